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

# System packages: venv/ensurepip for the virtual environment, Graphviz's dot for maps.
missing=()
"$PY" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=("python3-venv")
command -v dot >/dev/null 2>&1 || missing+=("graphviz")
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    pkgs=("${missing[@]}")
    if [[ " ${missing[*]} " == *" python3-venv "* ]]; then
      version=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      pkgs+=("python${version}-venv")
    fi
    say "installing ${pkgs[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # The versioned venv package does not exist everywhere; try with it, then without.
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing system packages: ${missing[*]}"
    say "install them with: sudo apt-get install ${missing[*]}"
    if [[ " ${missing[*]} " == *" python3-venv "* ]]; then exit 1; fi
    say "continuing without Graphviz: rendering maps will be unavailable"
  fi
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.cadee-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing cadee and its test dependencies into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  touch "$stamp"
fi
