#!/usr/bin/env bash
# One command: set up, then run the whole test suite (lint, types, tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== ruff" && .venv/bin/ruff check cadee tests benchmarks hatch_build.py
echo "== ruff format" && .venv/bin/ruff format --check cadee tests benchmarks hatch_build.py
echo "== mypy" && .venv/bin/mypy
echo "== pytest" && .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
