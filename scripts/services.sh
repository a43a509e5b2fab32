#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer; start them if they are installed but stopped.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
  echo "== starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  fi
  for _ in $(seq 1 50); do pg_up && break; sleep 0.2; done
fi
if ! redis_up; then
  echo "== starting Redis"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
fi
pg_up || { echo "!! PostgreSQL is not reachable on 127.0.0.1:5432 (install postgresql)" >&2; exit 1; }
redis_up || { echo "!! Redis is not reachable on 127.0.0.1:6379 (install redis-server)" >&2; exit 1; }
echo "== PostgreSQL and Redis are up"
