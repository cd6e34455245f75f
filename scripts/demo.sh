#!/usr/bin/env bash
# The main job, as far as it exists: a synthetic federation's data, imported into encrypted
# vaults (one per promoter), inspected and verified, with a key rotation shown on one of them.
# Usage: scripts/demo.sh WORKDIR   (make demo passes a fresh /tmp directory; PROMOTERS, MEMBERS, SEED)
set -euo pipefail

workdir=${1:?usage: scripts/demo.sh WORKDIR}
promoters=${PROMOTERS:-4}
members=${MEMBERS:-5000}
seed=${SEED:-42}
bin="$(cd "$(dirname "$0")/.." && pwd)/.build/release/backline"
[ -x "$bin" ] || { echo "demo: $bin missing (run 'make release')" >&2; exit 1; }

mkdir -p "$workdir"
cd "$workdir"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Generate a synthetic federation: $promoters promoters × $members members (seed $seed)"
"$bin" data generate --out csv --promoters "$promoters" --members "$members" --seed "$seed"

step "2. Each promoter imports its exports into its own encrypted vault"
mkdir -p keys vaults
for ((p = 0; p < promoters; p++)); do
    "$bin" data keygen --out "keys/promoter-$p.kek" >/dev/null
    echo "promoter-$p:"
    "$bin" data import --vault "vaults/promoter-$p" --key-file "keys/promoter-$p.kek" --preset backline \
        csv/promoter-$p/*.csv | sed 's/^/  /'
done

step "3. Inspect a vault (counts and date ranges only: no member data is printed)"
"$bin" data inspect --vault vaults/promoter-0 --key-file keys/promoter-0.kek

step "4. What is on disk is ciphertext: no member id or genre appears in the vault files"
if grep -a -l -E 'member|genre|rock' vaults/promoter-0/*.bkv >/dev/null; then
    echo "demo: plaintext found in the vault files" >&2; exit 1
fi
echo "no plaintext markers in $(ls vaults/promoter-0/*.bkv | wc -l) encrypted files"

step "5. Rotate promoter-0's key-encryption key: data keys rewrapped, data files untouched"
"$bin" data keygen --out keys/promoter-0-v2.kek >/dev/null
"$bin" data rotate-key --vault vaults/promoter-0 --key-file keys/promoter-0.kek --new-key-file keys/promoter-0-v2.kek
"$bin" data status --vault vaults/promoter-0 --key-file keys/promoter-0-v2.kek | tail -n 1
if "$bin" data inspect --vault vaults/promoter-0 --key-file keys/promoter-0.kek >/dev/null 2>&1; then
    echo "demo: the old key still opens the vault" >&2; exit 1
fi
echo "the old key is refused"

step "6. Promoter 1 trains its audience model on its vault (member factors stay in the vault, encrypted)"
"$bin" model train --vault vaults/promoter-1 --key-file keys/promoter-1.kek --out promoter-1.model --seed "$seed"

# The last show on promoter 1's calendar, treated as the upcoming one (sales "now" = a week before it).
read -r show show_start artist < <(python3 -c '
import csv, sys, datetime
rows = list(csv.DictReader(open("csv/promoter-1/shows.csv")))
last = max(rows, key=lambda r: r["start"])
print(last["id"], last["start"], last["artists"].split(";")[0])')
now=$(python3 -c "import datetime,sys; t=datetime.datetime.fromisoformat('$show_start'.replace('Z','+00:00')); print((t-datetime.timedelta(days=7)).strftime('%Y-%m-%dT%H:%M:%SZ'))")

step "7. Whom to invite to show $show (starts $show_start): the 10 members most likely to buy"
"$bin" match --vault vaults/promoter-1 --key-file keys/promoter-1.kek --model promoter-1.model --show "$show" --top 10

step "8. How many tickets will show $show sell? (forecast as of $now)"
"$bin" forecast --vault vaults/promoter-1 --key-file keys/promoter-1.kek --model promoter-1.model --show "$show" --now "$now"

step "9. Artists similar to the headliner (artist $artist)"
"$bin" similar --vault vaults/promoter-1 --key-file keys/promoter-1.kek --model promoter-1.model --artist "$artist" --top 5

step "Done"
echo "Work directory: $workdir (vaults/, keys/, csv/). Remove it when finished."
