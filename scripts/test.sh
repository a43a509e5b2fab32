#!/usr/bin/env bash
# Set up and run the whole test suite: lint, then every test (PostgreSQL, Redis and Chromium are real),
# then the Socket.IO tests again under gevent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/services.sh
.venv/bin/ruff check .
mkdir -p test-artifacts
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
if [ $# -eq 0 ]; then
  echo "== Socket.IO tests under gevent"
  HALL_ASYNC_MODE=gevent .venv/bin/python -m pytest -q -p no:cacheprovider tests/realtime
fi
