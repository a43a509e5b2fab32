#!/usr/bin/env bash
# Set up and run the hall: with no settings, SQLite, the demo hall and emulated devices; prints every page's URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m hall serve --demo "$@"
