#!/usr/bin/env bash
# The full `deepgrade reproduce` table on a CUDA machine for seeds 0, 1 and 2, plus the training
# ablation and sweep (bench/reproduce_ablation.py), as one prepared run. Installs nothing; needs
# python3 with torch (CUDA), numpy, scipy, scikit-learn, pandas, click, rich, matplotlib, and the
# IMDb arrays as a portable file (python -m reference.reproduce.portable aclImdb_v1.tar.gz FILE.npz).
#
#   bench/reproduce_cuda.sh [FILE.npz]                  # results under $OUT (default reproduce-cuda-out)
#   DEVICE=cpu MODE=quick ONLY=nyse-ar,imdb-lasso bench/reproduce_cuda.sh FILE.npz   # smoke test on a CPU
#
# Seed 0's table runs alone (its row times are the ones to quote); seeds 1 and 2 and the
# ablation then run side by side on the one GPU (SEQUENTIAL=1: each seed's table alone, then the
# ablation). ABLATION=sweep runs every variant of bench/reproduce_ablation.py on all three seeds
# instead of the cumulative ones on seed 0 (the earliest three on seed 0 only), in several
# processes; ABLATION=0 none. Each step has its own time limit (LIMIT for a table alone, PLIMIT
# for the side-by-side part), so a slow step cannot eat the others.
# Writes at most 6 files: log.txt, results-seed{0,1,2}.json, ablation.json, plots-seed0.tar.
set -u
DATA=${1:-.reproduce-cache/imdb-portable.npz}
OUT=${OUT:-reproduce-cuda-out}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
MODE=${MODE:-full}
LIMIT=${LIMIT:-230}
PLIMIT=${PLIMIT:-$LIMIT}
ABLATION=${ABLATION:-1}
mkdir -p "$OUT"
work=$(mktemp -d)
log="$OUT/log.txt"
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
flags=(--device "$DEVICE" --imdb "$DATA")
[ "$MODE" = quick ] && flags+=(--quick)
[ -n "${ONLY:-}" ] && flags+=(--only "$ONLY")
cli='import sys; from autograder.cli.reproduce import command; command(sys.argv[1:], prog_name="deepgrade reproduce")'

table() {   # table SEED LIMIT: one full table into $work/seedSEED, log in $work/seedSEED.log
    timeout "$2" "$PY" -c "$cli" "${flags[@]}" --seed "$1" --out "$work/seed$1" > "$work/seed$1.log" 2>&1
    echo "seed $1: exit $?" >> "$work/status"
}

ablation() {   # ablation NAME SEED VARIANTS: one bench/reproduce_ablation.py process, JSON in $work/ab-NAME.json
    local ab=(--imdb "$DATA" --device "$DEVICE" --seed "$2" --variants "$3" --models imdb-lstm,imdb-rnn
              --out "$work/ab-$1.json")
    [ "$MODE" = quick ] && ab+=(--quick)
    timeout "$PLIMIT" "$PY" bench/reproduce_ablation.py "${ab[@]}" > "$work/ab-$1.log" 2>&1
    echo "ablation $1: exit $?" >> "$work/status"
}

{
    date -u; nvidia-smi -L 2>&1 | head -2
    "$PY" -c "import torch, sklearn, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), \
'sklearn', sklearn.__version__, 'numpy', numpy.__version__)"
} > "$log" 2>&1
start=$(date +%s)
table 0 "$LIMIT"
echo "seed 0 alone: $(( $(date +%s) - start )) s" >> "$work/status"
if [ "${SEQUENTIAL:-0}" = 1 ]; then    # SEQUENTIAL=1: seeds 1 and 2 alone too, one after the other
    table 1 "$LIMIT"; table 2 "$LIMIT"
else
    table 1 "$PLIMIT" & table 2 "$PLIMIT" &
fi
if [ "$ABLATION" = sweep ]; then
    ablation s0-a 0 +dropout0.4,+packed,+clip+plateau &
    ablation s0-b 0 dropout0.2,25ep &
    ablation s0-c 0 islp-lab,+lr1e-3-15ep,+keras-init &
    for s in 1 2; do
        ablation "s$s-a" "$s" +dropout0.4,+packed,+clip+plateau &
        ablation "s$s-b" "$s" dropout0.2,25ep &
    done
elif [ "$ABLATION" = 1 ]; then    # ABLATION=0 skips it
    ablation s0 0 islp-lab,+lr1e-3-15ep,+keras-init,+clip+plateau,+packed,+dropout0.4 &
fi
wait
for s in 0 1 2; do
    [ -f "$work/seed$s/results.json" ] && cp "$work/seed$s/results.json" "$OUT/results-seed$s.json"
    { echo "=== seed $s"; tail -c 6000 "$work/seed$s.log"; } >> "$log"
done
"$PY" - "$work" "$OUT/ablation.json" <<'PYEOF' >> "$log" 2>&1
import glob, json, sys
rows = []
for f in sorted(glob.glob(sys.argv[1] + "/ab-*.json")):
    rows += json.load(open(f))["rows"]
if rows:
    json.dump({"rows": rows}, open(sys.argv[2], "w"), indent=1)
    print("=== ablation: model variant seed test val epochs seconds")
    for r in rows:
        print(r["model"], r["variant"], r["seed"], r["test_accuracy"], r["val_accuracy_best"], r["epochs_run"],
              r["seconds"])
PYEOF
for f in "$work"/ab-*.log; do [ -f "$f" ] && { echo "=== $f"; tail -c 600 "$f"; } >> "$log"; done
{ cat "$work/status"; echo "wall $(( $(date +%s) - start )) s"; } >> "$log"
[ -d "$work/seed0" ] && tar -C "$work/seed0" -cf "$OUT/plots-seed0.tar" --exclude results.json .
cat "$log"
