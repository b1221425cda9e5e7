"""Which training change bought what: the IMDb simple RNN and LSTM under cumulative variants.

    python bench/reproduce_ablation.py --imdb .reproduce-cache/imdb-portable.npz --device cuda --out ablation.json

Every variant trains ``imdb_tasks.train_sequence_model`` on the full splits of one seed and
records the test accuracy, the best validation accuracy, the epochs run and the time:

1. ``islp-lab``: PyTorch's default initialization, RMSprop lr 1e-2, 6 epochs (the table before);
2. ``+lr1e-3-15ep``: RMSprop lr 1e-3 and up to 15 epochs (early stopping on validation);
3. ``+keras-init``: Keras' initialization (``models.SequenceClassifier``);
4. ``+clip+plateau``: gradients clipped to norm 1, lr halved after a stale epoch (the default now).

The JSON file is rewritten after every variant, so a run cut short keeps what finished.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = (
    ("islp-lab", {"init": "torch", "epochs": 6, "lr": 1e-2, "clip": None, "plateau_factor": None}),
    ("+lr1e-3-15ep", {"init": "torch", "epochs": 15, "lr": 1e-3, "clip": None, "plateau_factor": None}),
    ("+keras-init", {"init": "keras", "epochs": 15, "lr": 1e-3, "clip": None, "plateau_factor": None}),
    ("+clip+plateau", {"init": "keras"}),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imdb", required=True, help="archive, folder or portable .npz")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="quick subsets (a smoke test of this script)")
    parser.add_argument("--models", default="imdb-rnn,imdb-lstm")
    parser.add_argument("--variants", default=",".join(v for v, _ in VARIANTS))
    parser.add_argument("--out", default="ablation.json")
    args = parser.parse_args()

    from reference.data import load_imdb
    from reference.reproduce.context import Context
    from reference.reproduce.imdb_tasks import train_sequence_model
    from reference.reproduce.portable import is_portable, load_portable
    from reference.reproduce.train import configure_torch, resolve_device

    device = resolve_device(args.device)

    def loader():
        return load_portable(args.imdb) if is_portable(args.imdb) else load_imdb(args.imdb, download=False)

    ctx = Context(quick=args.quick, device=device, seed=args.seed, load_imdb=loader)
    rows = []
    wanted = args.variants.split(",")
    with configure_torch(1, device):
        ctx.imdb()
        for name in args.models.split(","):
            cell = "lstm" if name == "imdb-lstm" else "rnn"
            for variant, settings in VARIANTS:
                if variant not in wanted:
                    continue
                settings = dict(settings)
                if args.quick and "epochs" in settings:
                    settings["epochs"] = 2
                t = time.perf_counter()
                outcome = train_sequence_model(ctx, name, cell, **settings)
                rows.append({"model": name, "variant": variant, "settings": settings, "seed": args.seed,
                             "test_accuracy": outcome.value, "val_accuracy_best": outcome.details["val_accuracy_best"],
                             "epochs_run": outcome.details["epochs_run"], "best_epoch": outcome.details["best_epoch"],
                             "seconds": round(time.perf_counter() - t, 1)})
                print(json.dumps(rows[-1]), flush=True)
                Path(args.out).write_text(json.dumps({"device": str(device), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
