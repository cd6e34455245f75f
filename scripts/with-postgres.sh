#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on 127.0.0.1: initdb into a temporary
# directory (as the `postgres` user when run as root), start on a free port, export
# BACKLINE_PG_URL (and PGHOST/PGPORT/PGUSER), run the command, then stop and delete the cluster.
# Usage: scripts/with-postgres.sh <command> [args...]
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "with-postgres: PostgreSQL server binaries not found (run 'make deps')" >&2
    exit 1
fi

workdir=$(mktemp -d /tmp/backline-pg.XXXXXX)
chmod 755 "$workdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$workdir"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cleanup() {
    as_pg "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT
# EXIT traps do not run when bash dies of a signal: turn INT/TERM into an exit so the cluster goes.
trap 'exit 130' INT
trap 'exit 143' TERM

superuser=$( [ "$(id -u)" = 0 ] && echo postgres || id -un )
as_pg "$pg_bin/initdb" -D "$workdir/data" -U "$superuser" -A trust --no-sync -E UTF8 >"$workdir/initdb.log" 2>&1 \
    || { cat "$workdir/initdb.log" >&2; exit 1; }
as_pg "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$workdir/server.log" >&2; exit 1; }

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=$superuser
export BACKLINE_PG_URL="postgresql://$superuser@127.0.0.1:$port/postgres"
# For restart tests (`pg_ctl restart -m immediate -D "$BACKLINE_PG_DATA" -l "$BACKLINE_PG_LOG"`, run
# as the postgres user when root); the store's own restart test starts a private cluster instead,
# so restarting cannot disturb tests running in parallel against this one.
export BACKLINE_PG_BIN="$pg_bin" BACKLINE_PG_DATA="$workdir/data" BACKLINE_PG_LOG="$workdir/server.log"
echo "with-postgres: throwaway cluster on 127.0.0.1:$port" >&2
"$@"
