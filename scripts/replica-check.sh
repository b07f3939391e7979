#!/usr/bin/env bash
# `make replica-check`: a private PostgreSQL primary and a streaming replica of it (initdb + pg_basebackup, on free
# ports, their own pg_hba.conf and sockets in a temporary directory; the machine's running server is never
# touched), the router's tests against them (tests/replica/), then both stopped and removed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
test -x "$PGBIN/initdb" || { echo "PostgreSQL's server binaries are not installed (initdb, pg_ctl, pg_basebackup)"; exit 1; }

WORK=$(mktemp -d /tmp/portal-replica.XXXXXX)
chmod 755 "$WORK"
# initdb and pg_ctl refuse to run as root: run them as the postgres user then.
if [ "$(id -u)" = 0 ]; then
    chown postgres "$WORK"
    as_db_owner() { runuser -u postgres -- "$@"; }
else
    as_db_owner() { "$@"; }
fi
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PRIMARY_PORT=$(free_port)
REPLICA_PORT=$(free_port)
while [ "$REPLICA_PORT" = "$PRIMARY_PORT" ]; do REPLICA_PORT=$(free_port); done

cleanup() {
    as_db_owner "$PGBIN/pg_ctl" -D "$WORK/replica" -m immediate stop >/dev/null 2>&1 || true
    as_db_owner "$PGBIN/pg_ctl" -D "$WORK/primary" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

as_db_owner "$PGBIN/initdb" -D "$WORK/primary" -U postgres -A trust --no-sync >/dev/null
cat >> "$WORK/primary/postgresql.conf" <<CONF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
CONF
cat > "$WORK/primary/pg_hba.conf" <<CONF
local   all             all                     trust
host    all             all     127.0.0.1/32    trust
host    replication     all     127.0.0.1/32    trust
CONF
as_db_owner "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
as_db_owner "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream
echo "port = $REPLICA_PORT" >> "$WORK/replica/postgresql.conf"
as_db_owner "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null
as_db_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres portal
echo "primary on 127.0.0.1:$PRIMARY_PORT, streaming replica on 127.0.0.1:$REPLICA_PORT ($WORK)"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/portal"
export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/portal"
export PORTAL_TESTING=1 PORTAL_REPLICA_CHECK=1
"$PY" manage.py migrate --noinput -v 0
"$PY" -m pytest -q tests/replica tests/portal/test_db_routing.py "$@"
