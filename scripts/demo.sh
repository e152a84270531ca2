#!/usr/bin/env bash
# One command: set up, then run the flagship example end to end: validate the
# Northwind Bank production blueprint (and its earlier pilot), simulate failures,
# and render the evidence pack (maps, evidence documents, leadership brief) into ./cadee-out.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
bash scripts/bootstrap.sh || exit $?
out=${1:-cadee-out}
mkdir -p "$out"
flagship=examples/northwind-bank/blueprint.yaml
pilot=examples/northwind-pilot/blueprint.yaml
# The date the examples describe (their measurements run to the end of May 2026):
# the same results whenever the demo runs.
as_of=2026-06-01

echo "== cadee validate $flagship"
.venv/bin/cadee validate "$flagship" --as-of "$as_of" || exit $?
.venv/bin/cadee validate "$flagship" --as-of "$as_of" --format json --output "$out/northwind-bank.json" || exit $?

echo
echo "== cadee validate $pilot   (the earlier pilot: expected to fail, exit 1)"
.venv/bin/cadee validate "$pilot" --as-of "$as_of" --output "$out/northwind-pilot.txt"
code=$?
cat "$out/northwind-pilot.txt"
.venv/bin/cadee validate "$pilot" --as-of "$as_of" --format json --output "$out/northwind-pilot.json"
if [ "$code" -ne 1 ]; then
  echo "unexpected exit code $code for the pilot" >&2
  exit 1
fi
echo
echo "== cadee status $flagship   (KPIs before and after rollout, gates, sign-off)"
.venv/bin/cadee status "$flagship" --as-of "$as_of" || exit $?

echo
echo "== cadee status $pilot   (its pause gate has fired: exit 1)"
.venv/bin/cadee status "$pilot" --as-of "$as_of"
code=$?
if [ "$code" -ne 1 ]; then
  echo "unexpected exit code $code for the pilot's status" >&2
  exit 1
fi

echo
echo "== cadee simulate $flagship --all"
.venv/bin/cadee simulate "$flagship" --all || exit $?

echo
echo "== cadee render $flagship --out $out/northwind-bank"
.venv/bin/cadee render "$flagship" --out "$out/northwind-bank" --as-of "$as_of" || exit $?

echo
echo "Everything is in $out/:"
ls -1 "$out" "$out/northwind-bank"
