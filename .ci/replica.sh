#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the local cluster (127.0.0.1:5432) on 127.0.0.1:5433,
# for the read-replica tests (crates/jiaogong/tests/replica.rs). Idempotent: a replica already
# streaming is left alone; a stopped one is started; a broken one is taken again.
# Prints the replica's URL on its last line. Runs as root (CI) or as the postgres OS user.
# `replica.sh stop` stops the replica (the tests use it to show pages answer without it).
set -euo pipefail

PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_DIR="${REPLICA_DIR:-/var/lib/postgresql/jiaogong-replica}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

as_pg() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

if [ "${1:-}" = stop ]; then
  as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  exit 0
fi

streaming() {
  [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ]
}

if streaming; then
  echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
  exit 0
fi

# The primary must accept replication connections from 127.0.0.1.
HBA="$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc 'SHOW hba_file')"
if ! grep -Eq '^\s*host\s+replication\s+all\s+127\.0\.0\.1/32' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$HBA"
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qAtc 'SELECT pg_reload_conf()' >/dev/null
fi

start() {
  as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/replica.log" -w -t 30 start >/dev/null
}

if [ -f "$REPLICA_DIR/standby.signal" ] && start 2>/dev/null && streaming; then
  echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
  exit 0
fi

# Take a fresh base backup.
as_pg "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -m immediate stop >/dev/null 2>&1 || true
rm -rf "$REPLICA_DIR"
mkdir -p "$REPLICA_DIR"
chown postgres:postgres "$REPLICA_DIR" 2>/dev/null || true
chmod 0700 "$REPLICA_DIR"
as_pg pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$REPLICA_DIR" -R -X stream -c fast
# Debian keeps the configuration outside the data directory: give the replica its own.
as_pg sh -c "cat >'$REPLICA_DIR/postgresql.conf'" <<CONF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
max_connections = 100
shared_buffers = 32MB
wal_receiver_status_interval = 1s
hot_standby_feedback = on
CONF
as_pg sh -c "printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >'$REPLICA_DIR/pg_hba.conf'"
start
for _ in $(seq 1 30); do streaming && break; sleep 0.5; done
streaming || { cat "$REPLICA_DIR/replica.log" >&2; exit 1; }
echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
