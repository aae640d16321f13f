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

# The browser tests drive Debian's Chromium (never a browser Playwright would download).
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing Debian's chromium for the browser tests"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq chromium >/dev/null
    else
        echo "==> /usr/bin/chromium is missing (install it as root: apt-get install chromium);" \
             "the browser tests will be skipped"
    fi
fi

# Arabic (and CJK) text must really render in the screenshots the tests take: Debian's Noto fonts.
if ! fc-list 2>/dev/null | grep -qi "Noto Sans Arabic\|Noto Naskh Arabic"; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing Debian's Noto fonts for the pages in Arabic"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq fonts-noto-core fonts-noto-cjk >/dev/null || echo "==> (fonts not installed)"
    else
        echo "==> no Arabic font (install fonts-noto-core as root): Arabic screenshots show boxes"
    fi
fi

# Most tests wait on real processes (hall serve, the central, Chromium), not on the CPU: three
# test processes keep a 2-core machine busy without starving the timed browser checks. Each file
# runs whole on one of them (mDNS tests share the LAN). EXAMHALL_TEST_PROCESSES=0 runs everything
# in this one process.
echo "==> running the tests"
exec .venv/bin/python -m pytest -n "${EXAMHALL_TEST_PROCESSES:-3}" --dist loadfile "$@"
