#!/usr/bin/env bash
# What the dashboard's end-to-end test (tests/test_dashboard.py) needs besides Python packages:
#
# 1. a headless browser: Debian's chromium and chromium-driver, from the distribution's own
#    packages (no browser download; Playwright drives /usr/bin/chromium). Skipped where
#    /usr/bin/chromium is already there.
# 2. with a Python interpreter as argument (a venv with '.[dashboard]' installed), the page's
#    JavaScript, which Solara's server otherwise fetches from a public CDN at first load:
#    `python -m sim dashboard --fetch-assets` puts it in Solara's cache with npm (the npm
#    registry). Skipped where it is already there.
#
# Usage: bash ci/install-browser.sh [PYTHON]      e.g. bash ci/install-browser.sh .venv/bin/python
# Idempotent. Needs root (or sudo) for apt-get; a failed install fails the script.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "install-browser: chromium already installed"
elif ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install chromium yourself (the dashboard test skips without it)" >&2
else
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "install-browser: not root and no sudo: cannot install chromium" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
    echo "install-browser: installed $(dpkg-query -W -f='${Package} ${Version}' chromium)"
fi

if [ "$#" -ge 1 ]; then
    "$1" -m sim dashboard --fetch-assets
fi
