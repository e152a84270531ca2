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
# maps and the one font the maps are laid out with (Liberation Sans, see
# cadee/render/maps.py), the condensed sans of the PDF documents' tables
# (DejaVu Sans Condensed, see templates/document.typ.j2); a C compiler with Python's and libyaml's headers for the
# loader's optional C fast path (about 3x faster YAML reading; without them cadee
# is only slower).
missing=()
"$PY" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=("python3-venv")
command -v dot >/dev/null 2>&1 || missing+=("graphviz")
has_font() {
  command -v fc-list >/dev/null 2>&1 && fc-list "$1" family | grep -q .
}
has_font 'Liberation Sans' || missing+=("fonts-liberation")
has_font 'DejaVu Sans Condensed' || missing+=("fonts-dejavu-extra")
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
apt_install() {
  # apt's own output (one line a package) shows what is happening; no progress bars in logs.
  apt-get install -y -q --no-install-recommends "$@" 2>&1 | grep -v -E '^(Reading|Building|Selecting|Preparing|\(Reading)' >&2
  return "${PIPESTATUS[0]}"
}
# The tests lint the run scripts of action.yml and of the documented workflows with
# ShellCheck (tests/test_workflow_lint.py; skipped without it).
command -v shellcheck >/dev/null 2>&1 || optional+=("shellcheck")
if [ "${#missing[@]}" -gt 0 ] || [ "${#optional[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    say "installing system packages: ${missing[*]} ${optional[*]}"
    say "(a fresh machine takes about 2 to 6 minutes here, most of it apt; later runs skip this)"
    say "updating apt's package lists"
    apt-get update -q >/dev/null || say "apt-get update failed; installing from the package lists as they are"
    if [ "${#missing[@]}" -gt 0 ]; then
      pkgs=("${missing[@]}")
      if [[ " ${missing[*]} " == *" python3-venv "* ]]; then
        version=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
        pkgs+=("python${version}-venv")
      fi
      say "apt-get install ${pkgs[*]}"
      # The versioned venv package does not exist everywhere; try with it, then without.
      apt_install "${pkgs[@]}" || apt_install "${missing[@]}" || {
        say "could not install ${missing[*]}; see apt's messages above"
        exit 1
      }
    fi
    if [ "${#optional[@]}" -gt 0 ]; then
      say "apt-get install ${optional[*]} (optional: the YAML loader's C fast path; shellcheck for the tests)"
      apt_install "${optional[@]}" ||
        say "could not install ${optional[*]}; continuing without the C fast path (same results, slower)"
    fi
  else
    all=("${missing[@]}" "${optional[@]}")
    say "system packages to install: ${all[*]}"
    say "  as root, run: apt-get install --no-install-recommends ${all[*]}"
    say "  (or with sudo; without sudo, run this script as root in a container, e.g."
    say "   docker run --rm -v \"\$PWD:/src\" -w /src python:3.11-bookworm bash scripts/test.sh)"
    if [ "${#optional[@]}" -gt 0 ]; then
      say "  ${optional[*]}: optional, for the YAML loader's C fast path (same results, large blueprints validate about 1.5x slower without) and shellcheck for the tests"
    fi
    if [[ " ${missing[*]} " == *" python3-venv "* ]]; then exit 1; fi
    if [[ " ${missing[*]} " == *" graphviz "* ]]; then
      say "continuing without Graphviz: rendering maps will be unavailable"
    elif [[ " ${missing[*]} " == *" fonts-liberation "* ]]; then
      say "continuing without Liberation Sans: maps are laid out with another font"
    fi
    if [[ " ${missing[*]} " == *" fonts-dejavu-extra "* ]]; then
      say "continuing without DejaVu Sans Condensed: PDF tables use DejaVu Sans (wider)"
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
  say "installing cadee and its test dependencies into .venv (about 1 to 3 minutes the first time)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  # pip's own lines (what it collects and builds) show progress; its errors pass through.
  if ! .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -e '.[test]' 2>&1 |
    { grep -E '^(Collecting|Building|Successfully|ERROR|error)' >&2 || true; }; then
    say "pip could not install cadee; see its messages above"
    exit 1
  fi
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
# Bytecode for cadee's own modules, written whatever PYTHONDONTWRITEBYTECODE says
# (container images often set it): an editable install imports cadee from this
# checkout, and without cached bytecode every run would compile every module again
# (a validate run costs about 2.5x the CPU). Only stale files are rewritten; a module
# edited later is compiled in memory until the next run of this script.
.venv/bin/python -m compileall -q --invalidation-mode timestamp cadee
