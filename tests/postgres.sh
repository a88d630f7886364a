#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: no TCP, one Unix socket in its own folder.
#
#   bash tests/postgres.sh start DIR   # initdb + start; prints the admin URL on standard output
#   bash tests/postgres.sh stop DIR    # fast stop (the folder is left for the caller to remove)
#
# The tests' cluster does not sync its WAL (fsync=off: nothing in it is kept). A benchmark of
# durable ingest starts it with ANSINH_PG_FSYNC=on, as a hub's server runs.
#
# The admin URL (user `app`, database `postgres`, trust over the socket only) is what the hub's
# PostgreSQL tests take in ANSINH_TEST_POSTGRES; each test creates its own database with it.
# initdb refuses to run as root: as root the cluster belongs to the system user `pgtest`
# (created if missing), otherwise to the calling user.
set -euo pipefail

cmd=${1:?start or stop}
dir=${2:?the cluster folder}
bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u pgtest -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    if [[ $(id -u) -eq 0 ]]; then
        id pgtest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin pgtest
        mkdir -p "$dir"
        chown pgtest "$dir"
    fi
    # --no-sync: a throwaway cluster; trust: only the socket, in a folder only its owner (and
    # root) may enter.
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U app --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    chmod 0700 "$dir"
    # Enough connections for the tests that run in parallel, each hub with its own pool.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses='' -k $dir -c max_connections=300 -c fsync=${ANSINH_PG_FSYNC:-off}" start >/dev/null
    # The socket folder, percent-encoded as the URL's host.
    printf 'postgres://app@%s/postgres\n' "$(printf '%s' "$dir" | sed 's,/,%2F,g')"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
