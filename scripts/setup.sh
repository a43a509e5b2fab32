#!/usr/bin/env bash
# Set up everything the hall needs on a fresh machine with Python 3.11:
# the virtual environment at .venv with pinned packages, and (with --test) the
# Debian packages the tests use (Chromium, CJK fonts, espeak-ng).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
reqs=(-r requirements.txt)
[ "${1:-}" = "--test" ] && reqs+=(-r requirements-dev.txt)
stamp=.venv/.installed${1:-}.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet "${reqs[@]}"
  echo "$want" > "$stamp"
fi

need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
  command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "!! please install these Debian packages: ${need_apt[*]}" >&2
    [ "${1:-}" = "--test" ] && exit 1
  fi
fi
