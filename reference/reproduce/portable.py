"""A compact, self-contained copy of the tokenized IMDb arrays, for machines without the archive.

``reference.data.load_imdb`` caches its arrays under a key that hashes the archive's path, size and
mtime, so the cache only serves the machine that holds the archive. ``save_portable`` writes the
same arrays (word ids and bag-of-words columns as uint16, compressed: about 25 MB) to one ``.npz``
file that ``load_portable`` -- and ``deepgrade reproduce --imdb FILE.npz`` -- reads anywhere::

    python -m reference.reproduce.portable aclImdb_v1.tar.gz .reproduce-cache/imdb-portable.npz
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..data import SPLITS, ImdbData

FORMAT = "deepgrade-imdb-portable-1"


def save_portable(data, path):
    """Write ``data`` (``reference.data.ImdbData``, V <= 65535) to ``path`` (.npz); returns the Path."""
    if len(data.vocab) > np.iinfo(np.uint16).max:
        raise ValueError(f"vocabulary has {len(data.vocab)} words; the portable file holds at most 65535")
    arrays = {"format": np.array(FORMAT), "vocab": np.array(data.vocab)}
    for s in SPLITS:
        indices, indptr = data.bow_parts[s]
        arrays.update({f"{s}_ids": data.ids[s].astype(np.uint16), f"{s}_offsets": data.offsets[s],
                       f"{s}_y": data.y[s], f"{s}_bow_indices": indices.astype(np.uint16),
                       f"{s}_bow_indptr": indptr})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path


def is_portable(path):
    """Whether ``path`` is a file written by ``save_portable``."""
    path = Path(path)
    if not (path.is_file() and path.suffix == ".npz"):
        return False
    try:
        with np.load(path, allow_pickle=False) as z:
            return "format" in z.files and str(z["format"]) == FORMAT
    except (OSError, ValueError):
        return False


def load_portable(path):
    """Read a ``save_portable`` file back as ``reference.data.ImdbData`` (ids int32, as load_imdb's)."""
    if not is_portable(path):
        raise ValueError(f"{path} is not a portable IMDb file ({FORMAT})")
    with np.load(path, allow_pickle=False) as z:
        a = {k: z[k] for k in z.files}
    return ImdbData(
        vocab=tuple(str(w) for w in a["vocab"]),
        ids={s: a[f"{s}_ids"].astype(np.int32) for s in SPLITS},
        offsets={s: a[f"{s}_offsets"] for s in SPLITS},
        y={s: a[f"{s}_y"] for s in SPLITS},
        bow_parts={s: (a[f"{s}_bow_indices"].astype(np.int32), a[f"{s}_bow_indptr"]) for s in SPLITS},
        source=str(path), cache_file=None, from_cache=True,
    )


if __name__ == "__main__":   # python -m reference.reproduce.portable SOURCE OUT.npz [CACHE_DIR]
    from ..data import load_imdb

    src, out = sys.argv[1], sys.argv[2]
    cache = sys.argv[3] if len(sys.argv) > 3 else None
    written = save_portable(load_imdb(src, cache_dir=cache, download=False, log=print), out)
    print(f"wrote {written} ({written.stat().st_size / 2**20:.1f} MiB)")
