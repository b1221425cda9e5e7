#!/usr/bin/env bash
# The full `deepgrade reproduce` table on a CUDA machine for seeds 0, 1 and 2, plus the training
# ablation (bench/reproduce_ablation.py), as one prepared run. Installs nothing; needs python3
# with torch (CUDA), numpy, scipy, scikit-learn, pandas, click, rich, matplotlib, and the IMDb
# arrays as a portable file (python -m reference.reproduce.portable aclImdb_v1.tar.gz FILE.npz).
#
#   bench/reproduce_cuda.sh [FILE.npz]                  # results under $OUT (default reproduce-cuda-out)
#   DEVICE=cpu MODE=quick ONLY=nyse-ar,imdb-lasso bench/reproduce_cuda.sh FILE.npz   # smoke test on a CPU
#
# Seed 0 runs alone (its row times are the ones to quote); seeds 1 and 2 and the ablation then
# run side by side on the one GPU. Each step has its own time limit, so a slow step cannot eat
# the others. Writes at most 6 files: log.txt, results-seed{0,1,2}.json, ablation.json,
# plots-seed0.tar.
set -u
DATA=${1:-.reproduce-cache/imdb-portable.npz}
OUT=${OUT:-reproduce-cuda-out}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
MODE=${MODE:-full}
LIMIT=${LIMIT:-230}
mkdir -p "$OUT"
work=$(mktemp -d)
log="$OUT/log.txt"
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
flags=(--device "$DEVICE" --imdb "$DATA")
[ "$MODE" = quick ] && flags+=(--quick)
[ -n "${ONLY:-}" ] && flags+=(--only "$ONLY")
cli='import sys; from autograder.cli.reproduce import command; command(sys.argv[1:], prog_name="deepgrade reproduce")'

table() {   # table SEED: one full table into $work/seedSEED, log in $work/seedSEED.log
    timeout "$LIMIT" "$PY" -c "$cli" "${flags[@]}" --seed "$1" --out "$work/seed$1" > "$work/seed$1.log" 2>&1
    echo "seed $1: exit $?" >> "$work/status"
}

{
    date -u; nvidia-smi -L 2>&1 | head -2
    "$PY" -c "import torch, sklearn, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), \
'sklearn', sklearn.__version__, 'numpy', numpy.__version__)"
} > "$log" 2>&1
start=$(date +%s)
if [ "${TOGETHER:-0}" = 1 ]; then table 0 & else table 0; fi    # TOGETHER=1: all three seeds side by side
ab=(--imdb "$DATA" --device "$DEVICE" --out "$OUT/ablation.json")
[ "$MODE" = quick ] && ab+=(--quick --variants islp-lab,+clip+plateau --models imdb-rnn)
table 1 & table 2 &
if [ "${ABLATION:-1}" = 1 ]; then    # ABLATION=0 skips it
    timeout "$LIMIT" "$PY" bench/reproduce_ablation.py "${ab[@]}" > "$work/ablation.log" 2>&1 &
fi
touch "$work/ablation.log"
wait
for s in 0 1 2; do
    [ -f "$work/seed$s/results.json" ] && cp "$work/seed$s/results.json" "$OUT/results-seed$s.json"
    { echo "=== seed $s"; tail -c 6000 "$work/seed$s.log"; } >> "$log"
done
{ echo "=== ablation"; tail -c 4000 "$work/ablation.log"; cat "$work/status"; echo "wall $(( $(date +%s) - start )) s"; } >> "$log"
[ -d "$work/seed0" ] && tar -C "$work/seed0" -cf "$OUT/plots-seed0.tar" --exclude results.json .
cat "$log"
