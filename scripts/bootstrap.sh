#!/usr/bin/env bash
# Sets up everything cadee needs on a Debian/Ubuntu machine with Python 3.11+:
# system packages (as root; otherwise says what to install), a virtual
# environment in .venv and cadee with its test dependencies. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'cadee setup: %s\n' "$*" >&2; }

find_python() {
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

PY=$(find_python) || {
  say "Python 3.11 or newer is required (found: $(python3 --version 2>&1 || echo none))."
  say "Install it, e.g.: sudo apt-get install python3 (Debian 12+/Ubuntu 24.04+ ship 3.11+)"
  exit 1
}

# System packages: venv/ensurepip for the virtual environment, Graphviz's dot for
# maps; a C compiler with Python's and libyaml's headers for the loader's optional
# C fast path (about 3x faster YAML reading; without them cadee is only slower).
missing=()
"$PY" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=("python3-venv")
command -v dot >/dev/null 2>&1 || missing+=("graphviz")
# The C fast path's build prerequisites that are missing (the checks of hatch_build.py).
fast_path_missing() {
  command -v "$("$PY" -c 'import sysconfig; print((sysconfig.get_config_var("CC") or "cc").split()[0])')" \
    >/dev/null 2>&1 || echo gcc
  "$PY" -c 'import pathlib, sys, sysconfig; sys.exit(not pathlib.Path(sysconfig.get_paths()["include"], "Python.h").is_file())' ||
    echo python3-dev
  [ -f /usr/include/yaml.h ] || [ -f /usr/local/include/yaml.h ] || echo libyaml-dev
}
optional=()  # skipped with CADEE_NO_EXTENSIONS=1
if [ -z "${CADEE_NO_EXTENSIONS:-}" ]; then
  while read -r package; do [ -n "$package" ] && optional+=("$package"); done < <(fast_path_missing)
fi
if [ "${#missing[@]}" -gt 0 ] || [ "${#optional[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || say "apt-get update failed; installing from the package lists as they are"
    if [ "${#missing[@]}" -gt 0 ]; then
      pkgs=("${missing[@]}")
      if [[ " ${missing[*]} " == *" python3-venv "* ]]; then
        version=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
        pkgs+=("python${version}-venv")
      fi
      say "installing ${pkgs[*]} with apt-get"
      # The versioned venv package does not exist everywhere; try with it, then without.
      apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    if [ "${#optional[@]}" -gt 0 ]; then
      say "installing ${optional[*]} with apt-get (for the YAML loader's C fast path)"
      apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null 2>&1 ||
        say "could not install ${optional[*]}; continuing without the C fast path (same results, slower)"
    fi
  else
    if [ "${#missing[@]}" -gt 0 ]; then
      say "missing system packages: ${missing[*]}"
      say "install them with: sudo apt-get install ${missing[*]}"
      if [[ " ${missing[*]} " == *" python3-venv "* ]]; then exit 1; fi
      say "continuing without Graphviz: rendering maps will be unavailable"
    fi
    if [ "${#optional[@]}" -gt 0 ]; then
      say "optional: sudo apt-get install ${optional[*]} builds the YAML loader's C fast path"
      say "continuing without it: the same results, large blueprints validate about 1.5x slower"
    fi
  fi
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.cadee-installed
# Set when the fast path failed to build although its prerequisites were present:
# not retried on every run (delete the file, or change its sources, to retry).
failed=.venv/.cadee-fast-path-failed
fast_path_built() { .venv/bin/python -c 'import cadee._yamlfast' >/dev/null 2>&1; }
can_build_fast_path() { [ -z "${CADEE_NO_EXTENSIONS:-}" ] && [ -z "$(fast_path_missing)" ]; }
inputs_changed() {
  [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ hatch_build.py -nt "$stamp" ] ||
    [ cadee/_yamlfast.pyx -nt "$stamp" ]
}
if inputs_changed || { can_build_fast_path && [ ! -f "$failed" ] && ! fast_path_built; }; then
  say "installing cadee and its test dependencies into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  touch "$stamp"
  rm -f "$failed"
  if can_build_fast_path && ! fast_path_built; then
    touch "$failed"
    say "the C fast path did not build although its prerequisites are installed;"
    say "see why with: .venv/bin/python -m pip install -v -e . (delete $failed to retry)"
  fi
fi
if ! fast_path_built; then
  say "note: running without the YAML loader's C fast path (see above); results are the same, only slower"
fi
