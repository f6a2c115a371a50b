#!/usr/bin/env bash
# Starts a throwaway MariaDB server for tests and benchmarks (as root, no systemd):
# its own data directory, socket and port on 127.0.0.1, run as a background
# process. Prints "BASE PORT PID"; the user app / app-pass may do anything.
#
#   scripts/mariadb-start.sh              a new server in a new temporary BASE
#   BASE=dir PORT=n scripts/mariadb-start.sh   the same, or (when BASE/data exists)
#                                         the server of BASE started again, as it was
# Stop it with scripts/mariadb-stop.sh BASE (see there). Needs the Debian packages
# mariadb-server and mariadb-client: a missing one is a loud failure.
set -euo pipefail
for tool in mariadb-install-db mariadbd mariadb-admin mariadb; do
  command -v "$tool" >/dev/null || { echo "mariadb-start.sh: $tool is missing: apt-get install -y mariadb-server mariadb-client" >&2; exit 1; }
done
BASE=${BASE:-$(mktemp -d /tmp/mariadb-test.XXXXXX)}   # short: the socket path must stay under 107 bytes
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
DB_USER=${DB_USER:-app} DB_PASS=${DB_PASS:-app-pass}
fresh=0
if [ ! -d "$BASE/data/mysql" ]; then
  fresh=1
  mkdir -p "$BASE/data" "$BASE/tmp"
  mariadb-install-db --no-defaults --user=root --datadir="$BASE/data" \
    --auth-root-authentication-method=socket --skip-test-db >"$BASE/install.log" 2>&1 \
    || { cat "$BASE/install.log" >&2; exit 1; }
fi
# --no-defaults first: it keeps /etc/mysql out. MARIADB_BUFFER_POOL (say 1G)
# sizes InnoDB's buffer pool; unset, the server's default (128 MiB). A short lock wait timeout makes
# lock conflicts show (and be retried) quickly instead of after 50 s.
mariadbd --no-defaults --user=root --datadir="$BASE/data" --tmpdir="$BASE/tmp" \
  --socket="$BASE/mysqld.sock" --port="$PORT" --bind-address=127.0.0.1 \
  --pid-file="$BASE/mysqld.pid" --log-error="$BASE/error.log" \
  --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
  --innodb-lock-wait-timeout=5 --max-connections=500 \
  ${MARIADB_BUFFER_POOL:+--innodb-buffer-pool-size="$MARIADB_BUFFER_POOL"} \
  >/dev/null 2>&1 &
PID=$!
echo "$PID" >"$BASE/server.pid"
echo "$PORT" >"$BASE/port"
for _ in $(seq 1 300); do   # up to 30 s; ready in ~0.15 s here
  mariadb-admin --no-defaults --socket="$BASE/mysqld.sock" -uroot --connect-timeout=1 ping >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$BASE/error.log" >&2; exit 1; }
  sleep 0.1
done
mariadb-admin --no-defaults --socket="$BASE/mysqld.sock" -uroot --connect-timeout=1 ping >/dev/null 2>&1 \
  || { echo "mariadb-start.sh: the server did not answer within 30 s" >&2; cat "$BASE/error.log" >&2; kill "$PID"; exit 1; }
if [ $fresh = 1 ]; then
  mariadb --no-defaults --socket="$BASE/mysqld.sock" -uroot -e "
    CREATE USER '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%';"
fi
echo "$BASE $PORT $PID"
