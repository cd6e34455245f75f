#!/usr/bin/env bash
# A Backline federation across Linux network namespaces, on one machine (root required).
#
#   federation.sh up      build the network, the PKI, one encrypted vault of synthetic data per
#                         promoter and the federation's initial model, then start PostgreSQL (bl-pg)
#                         and the aggregator on it (bl-agg)
#   federation.sh run     start `backline node run` in every promoter namespace, open a round as the
#                         operator, wait for every node's update, close the round, check it published
#                         with every promoter as a contributor, and wait for the nodes to finish
#   federation.sh check   connectivity checks: mTLS from a promoter, refusal without a client
#                         certificate, PostgreSQL reachable from bl-agg only, the rate limit in place
#   federation.sh link N down|up   cut or restore promoter N's link (its veth on the bridge)
#   federation.sh pg-restart       `pg_ctl restart -m immediate` (a crash) of the PostgreSQL in bl-pg
#   federation.sh env     print the state as KEY=VALUE lines (paths, addresses) for scripts and tests
#   federation.sh down    stop everything this script started and delete the namespaces (idempotent)
#
# Network (10.77.0.0/24): namespace bl-net holds a bridge; bl-agg (10.77.0.10) and each promoter
# bl-pN (10.77.0.100+N) are joined to it by veth pairs. PostgreSQL (bl-pg, 10.77.0.254) hangs off a
# separate veth pair to bl-agg only (10.77.0.252/30): promoters have no path to it, and its pg_hba
# admits only the aggregator's address, over TLS (sslmode=verify-full) with a password.
# The host's own network is not touched. bl-p1's link is rate-limited with `tc … tbf`
# (BL_RATE, default 8mbit); this kernel has no netem, so delay, loss, resets, duplication and
# reordering are the fault proxy's job (Tests/BacklineTestSupport/FaultProxy*.swift).
#
# Settings (environment): BL_PREFIX (namespace prefix, default bl), BL_PROMOTERS (default 3, the smallest quorum),
# BL_STATE_DIR (default /tmp/backline-netns), BACKLINE (the binary; default `backline` on PATH or
# the checkout's .build/debug/backline), BL_MEMBERS (synthetic members per promoter, default 300),
# BL_FACTORS (default 8), BL_DEADLINE (round deadline in seconds, default 300), BL_RATE, BL_PG_BIN.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=${BL_PREFIX:-bl}
promoters=${BL_PROMOTERS:-3}
state=${BL_STATE_DIR:-/tmp/backline-netns}
rate=${BL_RATE:-8mbit}
federation=fed.netns
agg_ip=10.77.0.10
agg_port=8443
pg_link_ip=10.77.0.253
pg_ip=10.77.0.254
pg_port=5432
backline=${BACKLINE:-$(command -v backline 2>/dev/null || echo "$repo/.build/debug/backline")}
pg_bin=${BL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

ns_net="$prefix-net"
ns_agg="$prefix-agg"
ns_pg="$prefix-pg"
promoter_ns() { echo "$prefix-p$1"; }
promoter_ip() { echo "10.77.0.$((100 + $1))"; }

say() { echo "federation.sh: $*" >&2; }
die() { say "$*"; exit 1; }

require_root() { [ "$(id -u)" = 0 ] || die "needs root (network namespaces)"; }

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
as_postgres() { runuser -u postgres -- "$@"; }

case "$state" in /*/*) ;; *) echo "federation.sh: BL_STATE_DIR must be an absolute path below /" >&2; exit 64 ;; esac
case "$prefix" in *[!a-z0-9]* | "") echo "federation.sh: BL_PREFIX must be lower-case letters and digits" >&2; exit 64 ;; esac

# ---------------------------------------------------------------------------------------------
# network

make_network() {
    ip netns add "$ns_net"
    ip -n "$ns_net" link set lo up
    ip -n "$ns_net" link add br0 type bridge
    ip -n "$ns_net" link set br0 up
    attach "$ns_agg" "$agg_ip" v-agg
    for i in $(seq 1 "$promoters"); do attach "$(promoter_ns "$i")" "$(promoter_ip "$i")" "v-p$i"; done
    # PostgreSQL: a point-to-point link to the aggregator only.
    ip netns add "$ns_pg"
    ip -n "$ns_pg" link set lo up
    ip -n "$ns_agg" link add pg0 type veth peer name eth0 netns "$ns_pg"
    ip -n "$ns_agg" addr add "$pg_link_ip/30" dev pg0
    ip -n "$ns_pg" addr add "$pg_ip/30" dev eth0
    ip -n "$ns_agg" link set pg0 up
    ip -n "$ns_pg" link set eth0 up
    # The rate limit on bl-p1's link (token bucket; netem is not available on this kernel).
    in_ns "$(promoter_ns 1)" tc qdisc add dev eth0 root tbf rate "$rate" burst 32kbit latency 400ms
}

# attach NS ADDRESS BRIDGE-SIDE-NAME: a namespace joined to the bridge by a veth pair.
attach() {
    local ns=$1 address=$2 port=$3
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns_net" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$ns_net" link set "$port" master br0 up
    ip -n "$ns" addr add "$address/24" dev eth0
    ip -n "$ns" link set eth0 up
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL in bl-pg: its own throwaway CA and server certificate (IP SAN), TLS only, scram.

start_postgres() {
    [ -x "$pg_bin/initdb" ] || die "PostgreSQL server binaries not found (BL_PG_BIN)"
    local pg="$state/pg"
    mkdir -p "$pg/sock"
    runuser -u postgres -- test -x "$state" || die "the postgres user cannot reach $state (a parent directory is private)"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=backline-netns-pg-ca" \
        -keyout "$pg/ca.key" -out "$pg/ca.crt" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$pg_ip" \
        -keyout "$pg/server.key" -out "$pg/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$pg_ip" >"$pg/server.ext"
    openssl x509 -req -in "$pg/server.csr" -CA "$pg/ca.crt" -CAkey "$pg/ca.key" -CAcreateserial -days 2 \
        -extfile "$pg/server.ext" -out "$pg/server.crt" 2>/dev/null
    rm -f "$pg/ca.key" "$pg/server.csr"
    chmod 600 "$pg/server.key"
    openssl rand -hex 24 >"$pg/password"
    chmod 600 "$pg/password"
    chown -R postgres:postgres "$pg"
    as_postgres "$pg_bin/initdb" -D "$pg/data" -U postgres -A trust --no-sync -E UTF8 >"$pg/initdb.log" 2>&1 \
        || { cat "$pg/initdb.log" >&2; die "initdb failed"; }
    cat >"$pg/data/pg_hba.conf" <<EOF
# Local administration over the Unix socket; the aggregator only, over TLS, with a password.
local   all       postgres                    trust
hostssl backline  backline  $pg_link_ip/32  scram-sha-256
EOF
    cat >>"$pg/data/postgresql.conf" <<EOF
listen_addresses = '$pg_ip'
port = $pg_port
unix_socket_directories = '$pg/sock'
ssl = on
ssl_cert_file = '$pg/server.crt'
ssl_key_file = '$pg/server.key'
ssl_min_protocol_version = 'TLSv1.3'
password_encryption = 'scram-sha-256'
EOF
    chown postgres:postgres "$pg/data/pg_hba.conf"
    in_ns "$ns_pg" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w start >/dev/null \
        || { cat "$pg/server.log" >&2; die "PostgreSQL did not start"; }
    local password
    password=$(cat "$pg/password")
    in_ns "$ns_pg" runuser -u postgres -- "$pg_bin/psql" -q -h "$pg/sock" -p "$pg_port" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -c "CREATE ROLE backline LOGIN PASSWORD '$password'" -c "CREATE DATABASE backline OWNER backline" >/dev/null
    # The aggregator reads its password from a libpq password file, not from its configuration.
    printf '%s:%s:backline:backline:%s\n' "$pg_ip" "$pg_port" "$password" >"$state/aggregator/pgpass"
    chmod 600 "$state/aggregator/pgpass"
}

# ---------------------------------------------------------------------------------------------
# PKI and the aggregator in bl-agg

make_keys() {
    local keys="$state/Keys"
    "$backline" pki init --federation "$federation" --dir "$keys" >/dev/null
    "$backline" pki issue --dir "$keys" --role aggregator --name main --host "$agg_ip" >/dev/null
    for i in $(seq 1 "$promoters"); do "$backline" pki issue --dir "$keys" --role promoter --name "p$i" >/dev/null; done
    "$backline" pki issue --dir "$keys" --role operator --name ops >/dev/null
    "$backline" aggregator keygen --out "$keys/audit-signing.key" --origin "$federation/audit" >/dev/null
}

# Each promoter's vault (synthetic data, encrypted) and, from promoter 1's vault, the federation's
# initial model: the public artist catalogue and feature vocabularies every node checks against.
make_vaults_and_model() {
    local work="$state/promoters"
    mkdir -p "$work"
    "$backline" data generate --out "$work/csv" --promoters "$promoters" --members "${BL_MEMBERS:-300}" --seed 42 >/dev/null
    for i in $(seq 1 "$promoters"); do
        mkdir -p "$work/p$i"
        "$backline" data keygen --out "$work/p$i/vault.kek" >/dev/null
        "$backline" data import --vault "$work/p$i/vault" --key-file "$work/p$i/vault.kek" --preset backline \
            "$work/csv/promoter-$((i - 1))"/*.csv >/dev/null
    done
    rm -rf "$work/csv"
    "$backline" federation init --vault "$work/p1/vault" --key-file "$work/p1/vault.kek" --factors "${BL_FACTORS:-8}" \
        --out "$state/aggregator/model-initial.safetensors" >/dev/null
}

start_aggregator() {
    local dir="$state/aggregator" keys="$state/Keys"
    cat >"$dir/aggregator.json" <<EOF
// Written by Deploy/netns/federation.sh.
{
  "federation": "$federation",
  "name": "main",
  "host": "$agg_ip",
  "port": $agg_port,
  "tls": {
    "certificate": "$keys/aggregator-main.cert.pem",
    "key": "$keys/aggregator-main.key.pem",
    "ca": "$keys/ca.cert.pem",
    "crl": "$keys/crl.pem"
  },
  "policy": "$repo/Policies/federation.policy",
  "store": { "postgres": "host=$pg_ip port=$pg_port dbname=backline user=backline sslmode=verify-full sslrootcert=$state/pg/ca.crt connect_timeout=5" },
  "audit_signing_key": "$keys/audit-signing.key",
  "audit_origin": "$federation/audit",
  "initial_model": "$dir/model-initial.safetensors",
  "max_body_bytes": 8388608,
  "round_defaults": { "min_clients": ${BL_MIN_CLIENTS:-3}, "deadline_seconds": ${BL_DEADLINE:-120}, "clip_norm": 1.0, "noise_multiplier": 1.1, "strategy": "fedavg" },
  "production": true
}
EOF
    chmod 600 "$dir/aggregator.json"
    in_ns "$ns_agg" env PGPASSFILE="$dir/pgpass" "$backline" aggregator serve --config "$dir/aggregator.json" \
        </dev/null >"$dir/aggregator.log" 2>&1 &
    echo $! >"$state/pids/aggregator"
    for _ in $(seq 1 150); do
        if agg_curl "$ns_agg" operator ops /healthz >/dev/null 2>&1; then return 0; fi
        kill -0 "$(cat "$state/pids/aggregator")" 2>/dev/null || { cat "$dir/aggregator.log" >&2; die "the aggregator exited"; }
        sleep 0.2
    done
    cat "$dir/aggregator.log" >&2
    die "the aggregator did not answer /healthz within 30 s"
}

# agg_curl NS ROLE NAME PATH [curl options…]: the aggregator API over mTLS from namespace NS.
agg_curl() {
    local ns=$1 role=$2 name=$3 path=$4
    shift 4
    in_ns "$ns" curl --silent --show-error --fail-with-body --max-time 10 --tlsv1.3 \
        --cacert "$state/Keys/ca.cert.pem" --cert "$state/Keys/$role-$name.cert.pem" --key "$state/Keys/$role-$name.key.pem" \
        "$@" "https://$agg_ip:$agg_port$path"
}

# ---------------------------------------------------------------------------------------------
# commands

up() {
    require_root
    command -v "$backline" >/dev/null 2>&1 || [ -x "$backline" ] || die "backline binary not found (BACKLINE)"
    down_quietly
    mkdir -p "$state/pids" "$state/aggregator"
    touch "$state/.backline-netns"
    chmod 755 "$state"
    # Anything failing half-way takes the whole setup down again.
    trap 'status=$?; if [ $status -ne 0 ]; then say "up failed; cleaning up"; down_quietly; fi' EXIT
    make_network
    make_keys
    make_vaults_and_model
    start_postgres
    start_aggregator
    trap - EXIT
    say "up: aggregator https://$agg_ip:$agg_port in $ns_agg (PostgreSQL $pg_ip in $ns_pg), promoters $(seq -s ' ' -f "$prefix-p%g" 1 "$promoters")"
}

check() {
    require_root
    local failures=0
    expect() { local what=$1; shift; if "$@" >/dev/null 2>&1; then say "ok: $what"; else say "FAILED: $what"; failures=$((failures + 1)); fi; }
    refuse() { local what=$1; shift; if "$@" >/dev/null 2>&1; then say "FAILED: $what"; failures=$((failures + 1)); else say "ok: $what"; fi; }
    local p1
    p1=$(promoter_ns 1)
    expect "mTLS from $p1 to the aggregator (/healthz)" agg_curl "$p1" promoter p1 /healthz
    refuse "no client certificate from $p1 is refused" in_ns "$p1" curl --silent --fail --max-time 10 --tlsv1.3 \
        --cacert "$state/Keys/ca.cert.pem" "https://$agg_ip:$agg_port/healthz"
    expect "PostgreSQL reachable from $ns_agg" in_ns "$ns_agg" "$pg_bin/pg_isready" -h "$pg_ip" -p "$pg_port" -t 3
    refuse "PostgreSQL unreachable from $p1" in_ns "$p1" "$pg_bin/pg_isready" -h "$pg_ip" -p "$pg_port" -t 3
    expect "tbf rate limit on $p1" bash -c "ip netns exec '$p1' tc qdisc show dev eth0 | grep -q tbf"
    [ "$failures" = 0 ]
}

run() {
    require_root
    [ -f "$state/pids/aggregator" ] || die "nothing is up (run 'up' first)"
    "$backline" node run --help >/dev/null 2>&1 || die "this backline has no 'node run'"
    local work="$state/promoters" keys="$state/Keys"
    for i in $(seq 1 "$promoters"); do
        cat >"$work/p$i/node.json" <<JSON
// Written by Deploy/netns/federation.sh.
{
  "name": "p$i",
  "federation": "$federation",
  "aggregator": { "host": "$agg_ip", "port": $agg_port, "name": "main" },
  "tls": { "certificate": "$keys/promoter-p$i.cert.pem", "key": "$keys/promoter-p$i.key.pem", "ca": "$keys/ca.cert.pem", "crl": "$keys/crl.pem" },
  "vault": "$work/p$i/vault",
  "key_file": "$work/p$i/vault.kek",
  "state_directory": "$work/p$i/state",
  "privacy": { "clip_norm": 1.0, "noise_multiplier": 1.1, "count_noise_multiplier": 2.0, "sampling_rate": 1.0, "budget_epsilon": 8.0, "budget_delta": 1e-6 },
  "holdout_fraction": 0.2,
  "poll_seconds": 0.5,
  "threads": 1
}
JSON
    done
    local submitted_before submitted=0 round
    submitted_before=$(submissions)
    # The operator opens the next round (from the aggregator's namespace) with a deadline the nodes can meet.
    agg_curl "$ns_agg" operator ops /v1/rounds --request POST --header 'Content-Type: application/json' \
        --data "{\"deadline_seconds\": ${BL_DEADLINE:-300}}" >"$state/round-open.json" || die "opening a round failed"
    round=$(sed -n 's/.*"round":\([0-9]*\).*/\1/p' "$state/round-open.json")
    [ -n "$round" ] || die "no round id in $(cat "$state/round-open.json")"
    for i in $(seq 1 "$promoters"); do
        in_ns "$(promoter_ns "$i")" "$backline" node run --config "$work/p$i/node.json" --until-round "$round" --idle-timeout 300 \
            </dev/null >"$work/p$i/node.log" 2>&1 &
        echo $! >"$state/pids/node-p$i"
    done
    say "round $round open; waiting for $promoters updates"
    for _ in $(seq 1 600); do
        local now
        now=$(submissions)
        [ "$now" -ge 0 ] && submitted=$((now - submitted_before))
        [ "$submitted" -ge "$promoters" ] && break
        for i in $(seq 1 "$promoters"); do
            kill -0 "$(cat "$state/pids/node-p$i")" 2>/dev/null || { cat "$work/p$i/node.log" >&2; die "node p$i exited before submitting"; }
        done
        sleep 0.5
    done
    [ "$submitted" -ge "$promoters" ] || die "only $submitted of $promoters updates arrived"
    # A 503 (store or audit log unavailable, e.g. while PostgreSQL restarts) did nothing: ask again.
    local closed=no
    for _ in $(seq 1 20); do
        agg_curl "$ns_agg" operator ops "/v1/rounds/$round/close" --request POST >"$state/round-close.json" 2>/dev/null && { closed=yes; break; }
        grep -q '"error"' "$state/round-close.json" && ! grep -qE 'audit_unavailable|unavailable' "$state/round-close.json" \
            && die "closing round $round failed: $(cat "$state/round-close.json")"
        sleep 0.5
    done
    [ "$closed" = yes ] || die "closing round $round failed: $(cat "$state/round-close.json")"
    grep -q '"state":"published"' "$state/round-close.json" || die "round $round did not publish: $(cat "$state/round-close.json")"
    for i in $(seq 1 "$promoters"); do
        grep -q "\"p$i\"" "$state/round-close.json" || die "p$i is not a contributor: $(cat "$state/round-close.json")"
    done
    # The nodes see the round over, take in the new model and stop (--until-round).
    for i in $(seq 1 "$promoters"); do
        local pid
        pid=$(cat "$state/pids/node-p$i")
        for _ in $(seq 1 240); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && die "node p$i did not stop after round $round"
        wait "$pid" || { cat "$work/p$i/node.log" >&2; die "node p$i failed"; }
        rm -f "$state/pids/node-p$i"
    done
    say "round $round published across namespaces: $(cat "$state/round-close.json")"
}

# Updates the aggregator has accepted so far (its /metrics, read as the operator); -1 while it
# cannot answer (503 while its store restarts, say).
submissions() {
    local text
    text=$(agg_curl "$ns_agg" operator ops /metrics 2>/dev/null) || { echo -1; return 0; }
    awk '/^backline_submissions_total/ {sum += $2} END {print int(sum)}' <<<"$text"
}

# link N down|up: promoter N's cable, pulled or plugged back in (the bridge side of its veth pair).
link() {
    require_root
    local number=${1:-} state_word=${2:-}
    [[ "$number" =~ ^[0-9]+$ ]] && [ "$number" -ge 1 ] && [ "$number" -le "$promoters" ] || die "link: promoter number 1…$promoters expected"
    [ "$state_word" = down ] || [ "$state_word" = up ] || die "link: 'down' or 'up' expected"
    ip -n "$ns_net" link set "v-p$number" "$state_word"
    say "link of $(promoter_ns "$number") $state_word"
}

# pg-restart: PostgreSQL crashes (immediate shutdown, no checkpoint) and comes back.
pg_restart() {
    require_root
    [ -f "$state/pg/data/postmaster.pid" ] || die "PostgreSQL is not running"
    in_ns "$ns_pg" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$state/pg/data" -l "$state/pg/server.log" -m immediate -w restart >/dev/null \
        || { tail -n 20 "$state/pg/server.log" >&2; die "PostgreSQL did not come back"; }
    say "PostgreSQL in $ns_pg restarted (-m immediate)"
}

print_env() {
    cat <<EOF
BL_STATE_DIR=$state
BL_KEYS=$state/Keys
BL_AGGREGATOR=https://$agg_ip:$agg_port
BL_AGGREGATOR_IP=$agg_ip
BL_AGGREGATOR_PORT=$agg_port
BL_AGGREGATOR_LOG=$state/aggregator/aggregator.log
BL_PG_IP=$pg_ip
BL_PG_PORT=$pg_port
BL_PG_BIN=$pg_bin
BL_NS_NET=$ns_net
BL_NS_AGGREGATOR=$ns_agg
BL_NS_POSTGRES=$ns_pg
BL_NS_PROMOTERS=$(seq -s ' ' -f "$prefix-p%g" 1 "$promoters")
BL_PROMOTER_DIR=$state/promoters
EOF
}

# Stops what this script started (pid files, then any process left inside our namespaces),
# PostgreSQL, and deletes the namespaces and the state directory. Never fails.
down_quietly() {
    set +e
    if [ -d "$state/pids" ]; then
        for file in "$state"/pids/*; do
            [ -f "$file" ] || continue
            pid=$(cat "$file")
            kill -TERM "$pid" 2>/dev/null
        done
        sleep 0.5
        for file in "$state"/pids/*; do
            [ -f "$file" ] || continue
            pid=$(cat "$file")
            kill -KILL "$pid" 2>/dev/null
        done
    fi
    if [ -f "$state/pg/data/postmaster.pid" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$state/pg/data" -m immediate stop >/dev/null 2>&1
    fi
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$prefix-(net|agg|pg|p[0-9]+)$"); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    # Only a directory this script made (it holds the marker) is deleted.
    [ -f "$state/.backline-netns" ] && rm -rf "$state"
    set -e
}

down() {
    require_root
    down_quietly
    say "down: namespaces $prefix-* and $state removed"
}

case "${1:-}" in
    up) up ;;
    run) run ;;
    link) shift; link "$@" ;;
    pg-restart) pg_restart ;;
    check) check ;;
    env) print_env ;;
    down) down ;;
    *) echo "usage: $0 up|run|check|link N down|up|pg-restart|env|down" >&2; exit 64 ;;
esac
