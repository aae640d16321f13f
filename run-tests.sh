#!/usr/bin/env bash
# Installs what the tests need into .venv, then runs every test.
# Usage: ./run-tests.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> making a virtual environment in .venv"
    "$PYTHON" -m venv .venv
fi
echo "==> installing examhall and its test dependencies"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

echo "==> running the tests"
exec .venv/bin/python -m pytest "$@"
