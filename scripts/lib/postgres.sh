# A throwaway PostgreSQL cluster on loopback, in a temporary directory, for tests and benchmarks.
# Tests migrate a schema each, side by side, in one database: the lock table is sized for that.
# Source this file, then `pg_start` (exports PARTA_PG_URL) and `pg_stop` (in a trap).
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  echo "$bin"
}

pg_run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  local bin; bin=$(pg_bin) || return 1
  PARTA_PG_ROOT=$(mktemp -d /tmp/parta-pg.XXXXXX)
  PARTA_PG_PORT=${PARTA_PG_PORT:-$(pg_free_port)}
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PARTA_PG_ROOT"; fi
  pg_run "$bin/initdb" -D "$PARTA_PG_ROOT/data" -U postgres --auth-local=trust --auth-host=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$PARTA_PG_ROOT/initdb.log" 2>&1 \
    || { cat "$PARTA_PG_ROOT/initdb.log" >&2; return 1; }
  pg_run "$bin/pg_ctl" -D "$PARTA_PG_ROOT/data" -l "$PARTA_PG_ROOT/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PARTA_PG_PORT -k $PARTA_PG_ROOT -c fsync=off -c max_connections=300 -c max_locks_per_transaction=512" start >/dev/null \
    || { cat "$PARTA_PG_ROOT/server.log" >&2; return 1; }
  export PARTA_PG_ROOT PARTA_PG_PORT
  export PARTA_PG_URL="postgres://postgres@127.0.0.1:$PARTA_PG_PORT/postgres"
  echo "PostgreSQL running on 127.0.0.1:$PARTA_PG_PORT ($PARTA_PG_ROOT)"
}

# The server's last errors (test data only): what a failed run's "PSQLError" was.
pg_errors() {
  [ -n "${PARTA_PG_ROOT:-}" ] && [ -f "$PARTA_PG_ROOT/server.log" ] || return 0
  echo "== PostgreSQL's last errors" >&2
  grep -E -A2 "ERROR|FATAL" "$PARTA_PG_ROOT/server.log" | tail -n 40 >&2 || true
}

pg_stop() {
  [ -n "${PARTA_PG_ROOT:-}" ] || return 0
  local bin; bin=$(pg_bin) || return 0
  pg_run "$bin/pg_ctl" -D "$PARTA_PG_ROOT/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PARTA_PG_ROOT"
  unset PARTA_PG_ROOT
}
