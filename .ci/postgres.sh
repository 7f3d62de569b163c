#!/usr/bin/env bash
# Throwaway PostgreSQL servers on loopback for the tests, stopped and removed when the calling script exits.
#   source .ci/postgres.sh && start_test_postgres
# exports TELEGATE_TEST_POSTGRES_URL (the store suite on PostgreSQL, the multi-instance tests) and
# TELEGATE_TEST_POSTGRES_OUTAGE_URL with TELEGATE_TEST_POSTGRES_OUTAGE_CTL (a second server that the "database
# stopped mid-load" test stops and starts with `$TELEGATE_TEST_POSTGRES_OUTAGE_CTL stop|start`, so the other tests'
# server is never interrupted).

POSTGRES_TEST_DIRS=()

postgres_bin_dir() {
    if [ -x /usr/local/bin/initdb ] && [ -x /usr/local/bin/pg_ctl ]; then echo /usr/local/bin; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$found" ]; then
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$found"
}

# launch_postgres PORT: initialises and starts a server; sets LAUNCHED_URL and LAUNCHED_CTL.
launch_postgres() {
    local port=$1 bin dir owner
    bin=$(postgres_bin_dir)
    dir=$(mktemp -d /tmp/telegate-pg.XXXXXX)
    owner=$(id -un)
    # initdb refuses to run as root: the server runs as an unprivileged user.
    if [ "$(id -u)" = 0 ]; then
        owner=postgres
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$dir"
    fi
    cat >"$dir/ctl.sh" <<CTL
#!/usr/bin/env bash
# Stops or starts this test server: ctl.sh stop|start
set -e
case "\$1" in
    stop) args="-m fast stop" ;;
    start) args="-o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off' start" ;;
    *) echo "usage: ctl.sh stop|start" >&2; exit 2 ;;
esac
cmd="$bin/pg_ctl -D $dir/data -l $dir/log -w \$args"
if [ "$owner" = "\$(id -un)" ]; then eval "\$cmd" >/dev/null; else su -s /bin/sh $owner -c "\$cmd" >/dev/null; fi
CTL
    chmod 755 "$dir/ctl.sh"
    if [ "$owner" = "$(id -un)" ]; then
        "$bin/initdb" -D "$dir/data" -U telegate --auth=trust -E UTF8 >/dev/null
    else
        su -s /bin/sh "$owner" -c "$bin/initdb -D $dir/data -U telegate --auth=trust -E UTF8" >/dev/null
    fi
    "$dir/ctl.sh" start
    POSTGRES_TEST_DIRS+=("$dir")
    LAUNCHED_URL="postgres://telegate@127.0.0.1:$port/postgres?sslmode=disable"
    LAUNCHED_CTL="$dir/ctl.sh"
}

start_test_postgres() {
    trap stop_test_postgres EXIT
    launch_postgres "${TELEGATE_TEST_POSTGRES_PORT:-55432}"
    export TELEGATE_TEST_POSTGRES_URL=$LAUNCHED_URL
    launch_postgres "$(( ${TELEGATE_TEST_POSTGRES_PORT:-55432} + 1 ))"
    export TELEGATE_TEST_POSTGRES_OUTAGE_URL=$LAUNCHED_URL
    export TELEGATE_TEST_POSTGRES_OUTAGE_CTL=$LAUNCHED_CTL
    echo "PostgreSQL started for the tests: $TELEGATE_TEST_POSTGRES_URL (and $TELEGATE_TEST_POSTGRES_OUTAGE_URL for the outage test)"
}

stop_test_postgres() {
    local dir
    for dir in "${POSTGRES_TEST_DIRS[@]}"; do
        "$dir/ctl.sh" stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    done
    POSTGRES_TEST_DIRS=()
}
