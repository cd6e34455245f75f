#!/usr/bin/env bash
# The main job: a whole federation on this machine. A CA and certificates for an aggregator, an
# operator, an auditor and the promoters; each promoter's synthetic audience imported into its own
# encrypted vault; the aggregator and one node per promoter as separate processes talking mutual
# TLS 1.3 on 127.0.0.1; private federated rounds with live progress; then the quality table
# (federated vs alone vs pooled), ε per promoter, an audience match, the auditor's verification
# of the audit log, and an HTML report.
#
# Usage: scripts/demo.sh WORKDIR
# Options (environment, as `make demo` passes them): PROMOTERS (4), MEMBERS per promoter (5000),
# ROUNDS (8), EPSILON budget per promoter for the whole training (4), DELTA (1e-6), Q Poisson
# sampling rate (0.5), STORE (sqlite | postgres), SEED (42), PORT (0 = a free one).
set -euo pipefail

workdir=${1:?usage: scripts/demo.sh WORKDIR}
promoters=${PROMOTERS:-4}
members=${MEMBERS:-5000}
rounds=${ROUNDS:-8}
epsilon=${EPSILON:-4}
delta=${DELTA:-1e-6}
q=${Q:-0.5}
store=${STORE:-sqlite}
seed=${SEED:-42}
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.build/release/backline"
[ -x "$bin" ] || { echo "demo: $bin missing (run 'make release')" >&2; exit 1; }
[ "$promoters" -ge 3 ] || { echo "demo: PROMOTERS must be at least 3 (no model is published from fewer)" >&2; exit 64; }

# STORE=postgres: run the whole demo inside a throwaway PostgreSQL cluster (scripts/with-postgres.sh
# makes it, exports BACKLINE_PG_URL, and removes it afterwards).
if [ "$store" = postgres ] && [ -z "${BACKLINE_PG_URL:-}" ]; then
    exec "$root/scripts/with-postgres.sh" "$0" "$@"
fi

started=$(date +%s)
mkdir -p "$workdir"
cd "$workdir"
mkdir -p logs
step() { printf '\n\033[1m== %s\033[0m  (%ds)\n' "$*" "$(( $(date +%s) - started ))"; }

# Every process the demo starts is stopped on exit, whatever happens.
pids=()
cleanup() {
    local code=$?
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    exit $code
}
trap cleanup EXIT INT TERM

step "1. A federation CA and mTLS certificates: aggregator, operator, auditor, $promoters promoters"
federation=fed.demo
"$bin" pki init --federation "$federation" --dir Keys >/dev/null
"$bin" pki issue --role aggregator --name main --host 127.0.0.1 --dir Keys >/dev/null
"$bin" pki issue --role operator --name ops --dir Keys >/dev/null
"$bin" pki issue --role auditor --name audit --dir Keys >/dev/null
for ((p = 0; p < promoters; p++)); do "$bin" pki issue --role promoter --name "promoter-$p" --dir Keys >/dev/null; done
"$bin" pki list --dir Keys

step "2. Each promoter's audience ($members members, seed $seed) imported into its own encrypted vault"
"$bin" data generate --out csv --promoters "$promoters" --members "$members" --seed "$seed" >/dev/null
mkdir -p keys vaults
for ((p = 0; p < promoters; p++)); do
    "$bin" data keygen --out "keys/promoter-$p.kek" >/dev/null
    "$bin" data import --vault "vaults/promoter-$p" --key-file "keys/promoter-$p.kek" --preset backline csv/promoter-$p/*.csv \
        | sed "s/^/  promoter-$p: /"
done
if grep -a -l -E 'member|genre|rock' vaults/promoter-0/*.bkv >/dev/null; then
    echo "demo: plaintext found in the vault files" >&2; exit 1
fi
echo "  on disk: ciphertext only (no member id or genre in $(ls vaults/promoter-0/*.bkv | wc -l) vault files of promoter-0)"

budget=$(python3 -c "print($epsilon + 1)")
step "3. The federation agrees on a model and on privacy: ε ≤ $epsilon per promoter (δ $delta) over $rounds rounds, plus ε 1 for one behaviour query"
"$bin" federation init --vault vaults/promoter-0 --key-file keys/promoter-0.kek --factors 32 --seed "$seed" --out initial.safetensors
sigma=$("$bin" privacy plan --target-epsilon "$epsilon" --q "$q" --rounds "$rounds" --delta "$delta" --json \
    | python3 -c 'import json,sys; print("%.4f" % (json.load(sys.stdin)["sigma"] * 1.006))')
count_sigma=$(python3 -c "print('%.4f' % ($sigma * 10))")
# The node also releases a noised member count (noise multiplier 10σ); together the two releases
# cost what one Gaussian release of multiplier σ/1.005 costs, which the plan below covers.
"$bin" privacy plan --q "$q" --sigma "$sigma" --rounds "$rounds" --delta "$delta"
"$bin" aggregator keygen --out Keys/audit-signing.key --origin "$federation/audit" | tail -n 1 | sed 's/^verifier key: //' > auditor.vkey
echo "  auditor's trusted key: $(cat auditor.vkey)"

case "$store" in
sqlite) store_json='{"sqlite": "aggregator.db"}' ;;
postgres) store_json="{\"postgres\": \"$BACKLINE_PG_URL\"}" ;;
*) echo "demo: STORE must be sqlite or postgres" >&2; exit 64 ;;
esac
port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
cat > aggregator.json <<EOF
{
  "federation": "$federation", "name": "main", "host": "127.0.0.1", "port": $port,
  "tls": {"certificate": "Keys/aggregator-main.cert.pem", "key": "Keys/aggregator-main.key.pem",
          "ca": "Keys/ca.cert.pem", "crl": "Keys/crl.pem"},
  "policy": "$root/Policies/federation.policy",
  "store": $store_json,
  "audit_signing_key": "Keys/audit-signing.key", "audit_origin": "$federation/audit",
  "initial_model": "initial.safetensors",
  "round_defaults": {"min_clients": 3, "target_clients": $promoters, "deadline_seconds": 600, "clip_norm": 1.0,
                     "noise_multiplier": $sigma, "strategy": "fedadam", "server_learning_rate": 0.2},
  "auto_rounds": $rounds,
  "production": true
}
EOF
for ((p = 0; p < promoters; p++)); do
    cat > "node-$p.json" <<EOF
{
  "name": "promoter-$p", "federation": "$federation",
  "aggregator": {"host": "127.0.0.1", "port": $port, "name": "main"},
  "tls": {"certificate": "Keys/promoter-promoter-$p.cert.pem", "key": "Keys/promoter-promoter-$p.key.pem",
          "ca": "Keys/ca.cert.pem", "crl": "Keys/crl.pem"},
  "vault": "vaults/promoter-$p", "key_file": "keys/promoter-$p.kek", "state_directory": "state/promoter-$p",
  "privacy": {"clip_norm": 1.0, "noise_multiplier": $sigma, "count_noise_multiplier": $count_sigma, "sampling_rate": $q,
              "budget_epsilon": $budget, "budget_delta": $delta},
  "holdout_fraction": 0.2, "poll_seconds": 0.2, "threads": 1
}
EOF
done

step "4. The aggregator ($store store) and $promoters promoter nodes start as separate processes (mTLS on 127.0.0.1:$port)"
"$bin" aggregator serve --config aggregator.json >logs/aggregator.log 2>&1 &
pids+=($!)
operator() { curl -sS --fail --cacert Keys/ca.cert.pem --cert Keys/operator-ops.cert.pem --key Keys/operator-ops.key.pem "$@"; }
for _ in $(seq 100); do operator "https://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
operator "https://127.0.0.1:$port/healthz" >/dev/null || { cat logs/aggregator.log >&2; echo "demo: the aggregator did not start" >&2; exit 1; }
echo "  aggregator up: $(grep -m1 listening logs/aggregator.log)"
for ((p = 0; p < promoters; p++)); do
    "$bin" node run --config "node-$p.json" --until-round "$rounds" --idle-timeout 120 >"logs/node-$p.out" 2>"logs/node-$p.log" &
    pids+=($!)
done
echo "  nodes: $(for ((p = 0; p < promoters; p++)); do printf 'promoter-%d ' $p; done)"

step "5. Federated rounds: nodes train locally and submit clipped, noised updates; the aggregator publishes each round"
echo "  (the aggregator opens $rounds rounds itself and closes each once all $promoters promoters are in)"
progress() {  # one line from the nodes' public status files
    python3 - "$1" "$promoters" <<'EOF'
import json, sys
round_, n = int(sys.argv[1]), int(sys.argv[2])
rows = []
for p in range(n):
    try: rows.append(json.load(open(f"state/promoter-{p}/status.json")))
    except (OSError, ValueError): rows.append({})
done = sum(1 for r in rows if (r.get("round") or 0) >= round_)
taken = sum(1 for r in rows if (r.get("model_version") or 0) >= round_)
ndcg = [r["validation_ndcg_at_10"] for r in rows if r.get("validation_ndcg_at_10") is not None]
eps = [r.get("epsilon_spent", 0) for r in rows]
print(f"{done} {taken} {max(eps):.3f} {sum(ndcg)/len(ndcg) if ndcg else float('nan'):.4f}")
EOF
}
for ((r = 1; r <= rounds; r++)); do
    while true; do
        read -r done taken spent ndcg < <(progress "$r")
        line=$(printf '  round %d/%d: %d/%d updates in, %d/%d nodes have the new model' "$r" "$rounds" "$done" "$promoters" "$taken" "$promoters")
        [ "$line" != "${shown:-}" ] && { printf '\r%s' "$line"; shown=$line; }
        [ "$taken" -ge "$promoters" ] && break
        for ((p = 0; p < promoters; p++)); do   # a node that has left must have taken this round's model in
            kill -0 "${pids[p + 1]}" 2>/dev/null && continue
            version=$(python3 -c "import json; print(json.load(open('state/promoter-$p/status.json')).get('model_version') or 0)" 2>/dev/null || echo 0)
            [ "$version" -ge "$r" ] || { echo; echo "demo: promoter-$p stopped early:" >&2; tail -n 3 "logs/node-$p.log" >&2; exit 1; }
        done
        sleep 0.3
    done
    printf '\r\033[K  round %d/%d: %d/%d updates, model v%d published, ε spent ≤ %s of %s, mean validation NDCG@10 %s\n' \
        "$r" "$rounds" "$done" "$promoters" "$r" "$spent" "$epsilon" "$ndcg"
done
for pid in "${pids[@]:1}"; do wait "$pid"; done
pids=("${pids[0]}")

step "6. Quality: federated vs each promoter alone vs all data pooled (NDCG@10 on each node's held-out interactions)"
configs=(); for ((p = 0; p < promoters; p++)); do configs+=(--config "node-$p.json"); done
"$bin" federation compare "${configs[@]}" --iterations 15 --regularization 50 --feature-regularization 30 --json > compare.json
python3 - <<'EOF'
import json
rows = json.load(open("compare.json"))
print("  promoter     members   alone  federated  pooled")
for r in rows:
    print(f"  {r['promoter']:<11} {r['members']:>7}  {r['alone']:.4f}     {r['federated']:.4f}  {r['pooled']:.4f}")
EOF

step "7. Privacy spent per promoter (from each node's ledger, kept encrypted in its vault)"
for ((p = 0; p < promoters; p++)); do "$bin" node status --config "node-$p.json" --json > "status-$p.json"; done
python3 - "$promoters" <<'EOF'
import json, sys
for p in range(int(sys.argv[1])):
    s = json.load(open(f"status-{p}.json"))
    print(f"  {s['node']}: ε {s['epsilon_spent']:.3f} of {s['epsilon_budget']:.3f} (δ {s['delta']:g}), {s['rounds_submitted']} rounds, model v{s['model_version']}")
EOF

step "8. Promoter 1 picks whom to invite to its last show, with the federated model and its own member factors"
show=$(python3 -c '
import csv
rows = list(csv.DictReader(open("csv/promoter-1/shows.csv")))
print(max(rows, key=lambda r: r["start"])["id"])')
"$bin" match --vault vaults/promoter-1 --key-file keys/promoter-1.kek --model state/promoter-1/model-latest.safetensors \
    --show "$show" --top 5 | tee match.txt | sed 's/^/  /'

step "8b. Behaviour across the federation: the operator asks no-shows by weekday; each node answers with a noised histogram (ε 1)"
operator -X POST -H 'Content-Type: application/json' "https://127.0.0.1:$port/v1/analytics/queries" \
    -d "{\"query\": \"no_show_by_weekday\", \"epsilon\": 1, \"delta\": $delta, \"min_contributors\": 3, \"deadline_seconds\": 120}" >/dev/null
for ((p = 0; p < promoters; p++)); do
    "$bin" analytics submit --config "node-$p.json" --query-id 1 --json >/dev/null
done
operator -X POST "https://127.0.0.1:$port/v1/analytics/queries/1/close" >/dev/null   # all promoters answered: publish now
"$bin" analytics fetch --config node-1.json --query-id 1 --json > behaviour.json
python3 - <<'EOF'
import json
r = json.load(open("behaviour.json"))
print(f"  {r['query']}: {len(r['contributors'])} promoters, noise std per count {r['noise_std']:.1f}")
print("  weekday      federation no-show rate   promoter-1 alone (exact, local)")
for c in r["cells"]:
    fed = "suppressed" if c["suppressed"] or c.get("federation_mean") is None else f"{c['federation_mean']:.3f} ± {c['federation_mean_std']:.3f}"
    mine = "-" if c.get("local_member_mean") is None else f"{c['local_member_mean']:.3f} ({c['local_members']} members)"
    print(f"  {c['label']:<12} {fed:<25} {mine}")
EOF

step "9. The auditor: an update is out of reach, and the audit log verifies against the trusted key"
auditor() { curl -sS --cacert Keys/ca.cert.pem --cert Keys/auditor-audit.cert.pem --key Keys/auditor-audit.key.pem "$@"; }
status=$(auditor -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/v1/rounds/1/updates/promoter-0")
echo "  auditor GET /v1/rounds/1/updates/promoter-0 -> HTTP $status (denied and audited)"
kill -TERM "${pids[0]}"; wait "${pids[0]}" || true; pids=()
store_option=(--sqlite aggregator.db)
[ "$store" = postgres ] && store_option=(--postgres "$BACKLINE_PG_URL")
"$bin" audit verify "${store_option[@]}" --key "$(cat auditor.vkey)" --json > verify.json || true
"$bin" audit verify "${store_option[@]}" --key "$(cat auditor.vkey)" | sed 's/^/  /'
"$bin" audit search "${store_option[@]}" --action submit_update --json > submissions.json || true

step "10. The report"
for ((p = 0; p < promoters; p++)); do "$bin" node status --config "node-$p.json" --json > "status-$p.json"; done
python3 - "$promoters" "$rounds" "$federation" <<'EOF' > summary.json
import json, sys, datetime
n, rounds, federation = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
statuses = [json.load(open(f"status-{p}.json")) for p in range(n)]
by_round = {}
for s in statuses:
    for line in s["rounds"]:
        entry = by_round.setdefault(line["round"], {"round": line["round"], "contributions": 0, "ndcg": [], "epsilon_spent": {}})
        entry["contributions"] += 1
        entry["epsilon_spent"][s["node"]] = line["epsilon_spent"]
        if line.get("validation_ndcg_at_10") is not None: entry["ndcg"].append(line["validation_ndcg_at_10"])
rows = []
for r in sorted(by_round):
    e = by_round[r]
    rows.append({"round": r, "contributions": e["contributions"],
                 "validation_ndcg_at_10": sum(e["ndcg"]) / len(e["ndcg"]) if e["ndcg"] else None,
                 "epsilon_spent": e["epsilon_spent"]})
verify = json.load(open("verify.json")) if open("verify.json").read().strip() else {}
compare = json.load(open("compare.json"))
try:
    b = json.load(open("behaviour.json"))
    behaviour = [{"measure": b["measure"], "segment": c["label"], "local": c["local_member_mean"] if c.get("local_member_mean") is not None else 0.0,
                  "federation": c.get("federation_mean"), "suppressed": bool(c["suppressed"])} for c in b["cells"]]
except (OSError, ValueError, KeyError):
    behaviour = None
match = [l.split("\t") for l in open("match.txt").read().splitlines()[1:] if "\t" in l]
summary = {
    "title": "Backline demo federation", "federation": federation,
    "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "rounds": rows,
    "quality": [{"promoter": c["promoter"], "alone": c["alone"], "federated": c["federated"], "pooled": c["pooled"]} for c in compare],
    "budgets": [{"promoter": s["node"], "epsilon_spent": s["epsilon_spent"], "epsilon_budget": s["epsilon_budget"], "delta": s["delta"]} for s in statuses],
    "audit": {"verified": bool(verify.get("ok", False)), "entries": verify.get("entries", 0) or 0,
              "tree_size": verify.get("checkpoint_size"), "root_hash": verify.get("checkpoint_root"), "denials": None,
              "message": "verified against the auditor's trusted key" if verify.get("ok") else "; ".join(map(str, verify.get("problems", []))) or "not verified"},
    "match_example": {"show": "last show of promoter-1", "members": [{"member": m[1], "score": float(m[2])} for m in match if len(m) >= 3]},
    "behaviour": behaviour,
}
json.dump(summary, sys.stdout, indent=1)
EOF
if "$bin" report --help >/dev/null 2>&1; then
    "$bin" report federation --input summary.json --out report.html
    echo "  report: $workdir/report.html"
else
    echo "  (this build has no 'backline report' command; the summary is in $workdir/summary.json)"
fi

step "Done in $(( $(date +%s) - started )) s"
echo "Work directory: $workdir (Keys/, vaults/, state/, logs/, report). Remove it when finished."
