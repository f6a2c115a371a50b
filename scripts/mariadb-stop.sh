#!/usr/bin/env bash
# Stops the throwaway MariaDB server of BASE (scripts/mariadb-start.sh) and waits
# until its process is gone; then removes BASE, unless --keep is given (so that
# mariadb-start.sh can start the same server again).
#   scripts/mariadb-stop.sh BASE [--keep]
set -euo pipefail
BASE=$1; KEEP=${2:-}
[ -f "$BASE/server.pid" ] || { echo "mariadb-stop.sh: no server.pid in $BASE" >&2; exit 1; }
PID=$(cat "$BASE/server.pid")
if kill -0 "$PID" 2>/dev/null; then
  # SIGTERM is a clean shutdown for mariadbd and takes ~0.05 s (mariadb-admin shutdown polls once a second).
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then
    echo "mariadb-stop.sh: $PID still running after 30 s; killing it" >&2
    kill -KILL "$PID" 2>/dev/null || true
  fi
fi
[ "$KEEP" = --keep ] || rm -rf "$BASE"
