"""The IMDb Large Movie Review Dataset v1.0, tokenized as in ISLP's lab, with an npz cache.

Where the archive comes from (first match wins):

1. ``path`` (``deepgrade reproduce --imdb PATH``): the official ``aclImdb_v1.tar.gz``, read
   directly with ``tarfile`` (nothing is extracted), or an extracted ``aclImdb/`` folder (or
   the folder holding it);
2. the environment variable ``DEEPGRADE_IMDB``, same forms;
3. ``<cache>/aclImdb_v1.tar.gz`` left by an earlier download;
4. a download of the official archive from Stanford (rich progress bar, then a size and
   SHA-256 check) -- only when the network is reachable. Offline, a ``DataNotFoundError``
   says where to put the file.

``<cache>`` is the ``cache_dir`` argument, else ``$DEEPGRADE_CACHE``, else
``~/.cache/deepgrade``.

Preprocessing (ISLP section 10.9.5): reviews are split into words by ``reference.bow.tokenize``;
the vocabulary is the ``max_words`` = 10,000 most frequent words of the 25,000 *training*
reviews (``reference.bow.build_vocabulary``: most frequent first). Word ``vocab[j]`` is
bag-of-words column ``j`` and sequence id ``j + 1``: id 0 is reserved for padding, and
out-of-vocabulary words are dropped. ``ImdbData.sequences(split, L)`` keeps each review's last
L = 500 ids, zero-padded at the front; ``ImdbData.bow(split)`` is the binary bag-of-words of the
whole review (CSR, (n, V)). ``validation_split`` holds 2,000 training reviews out, seeded.

The tokenized arrays are cached in ``<cache>/imdb-<key>.npz``; the key hashes the source's
path, size and mtime (for a folder: its reviews' count, total size and newest mtime),
``max_words`` and the source code of the tokenizer and vocabulary builder, so a second run
loads in about a second and any change rebuilds the cache.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import socket
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_ARCHIVE = "aclImdb_v1.tar.gz"
#: Size and SHA-256 of the official archive (with its 50,000 unlabelled ``train/unsup`` reviews).
IMDB_SIZE = 84_125_825
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
ENV_PATH = "DEEPGRADE_IMDB"
ENV_CACHE = "DEEPGRADE_CACHE"
SPLITS = ("train", "test")
LABELS = ("neg", "pos")  # label 0, label 1
_CACHE_FORMAT = 1


class DataNotFoundError(FileNotFoundError):
    """The IMDb archive is neither where we were told nor downloadable."""


class DataFormatError(ValueError):
    """A file or folder does not have the official aclImdb layout, or a download is corrupt."""


def default_cache_dir(cache_dir=None) -> Path:
    """The cache folder: ``cache_dir`` if given, else ``$DEEPGRADE_CACHE``, else ``~/.cache/deepgrade``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "deepgrade"


# ---------------------------------------------------------------------------------------------
# Reading the official layout: aclImdb/{train,test}/{neg,pos}/<id>_<rating>.txt
# ---------------------------------------------------------------------------------------------

def _review_key(relpath: str):
    """(split, label, name) for ``train/pos/1_7.txt``-like paths under aclImdb/, else None."""
    parts = relpath.split("/")
    if len(parts) == 3 and parts[0] in SPLITS and parts[1] in LABELS and parts[2].endswith(".txt"):
        return parts[0], parts[1], parts[2]
    return None


def _folder_root(path: Path) -> Path | None:
    for root in (path, path / "aclImdb"):
        if all((root / s / lab).is_dir() for s in SPLITS for lab in LABELS):
            return root
    return None


def read_reviews(path):
    """Read every labelled review of an aclImdb tarball or folder, in a fixed order.

    Inputs:
    - path: ``aclImdb_v1.tar.gz`` (any tar that ``tarfile`` opens), an ``aclImdb/`` folder or
      the folder holding it
    Returns:
    - reviews: dict split -> (texts, y): texts a list of n strings, y (n,) int8 with 0 = neg,
      1 = pos; reviews sorted by (label, file name), so a tarball and its extraction agree
    """
    path = Path(path)
    found: dict[str, list] = {s: [] for s in SPLITS}
    if path.is_dir():
        root = _folder_root(path)
        if root is None:
            raise DataFormatError(
                f"{path} is a folder without the aclImdb layout; expected "
                "{train,test}/{neg,pos}/*.txt in it or in its aclImdb/ subfolder"
            )
        for split in SPLITS:
            for label in LABELS:
                for f in (root / split / label).glob("*.txt"):
                    found[split].append((label, f.name, f.read_text(encoding="utf-8", errors="replace")))
    elif path.is_file():
        try:
            tar = tarfile.open(path, "r:*")
        except tarfile.TarError as e:
            raise DataFormatError(f"{path} is not a readable tar archive ({e}); expected {IMDB_ARCHIVE}") from e
        with tar:
            for member in tar:
                name = member.name.lstrip("./")
                if not (member.isfile() and name.startswith("aclImdb/")):
                    continue
                key = _review_key(name[len("aclImdb/"):])
                if key is None:
                    continue
                text = tar.extractfile(member).read().decode("utf-8", errors="replace")
                found[key[0]].append((key[1], key[2], text))
    else:
        raise DataNotFoundError(f"IMDb path {path} does not exist; expected {IMDB_ARCHIVE} or an aclImdb/ folder")
    out = {}
    for split in SPLITS:
        rows = sorted(found[split], key=lambda r: (LABELS.index(r[0]), r[1]))
        if not rows or len({r[0] for r in rows}) < 2:
            raise DataFormatError(
                f"{path} holds {len(rows)} labelled {split} reviews; expected files "
                f"aclImdb/{split}/neg/*.txt and aclImdb/{split}/pos/*.txt"
            )
        out[split] = ([r[2] for r in rows], np.array([LABELS.index(r[0]) for r in rows], dtype=np.int8))
    return out


# ---------------------------------------------------------------------------------------------
# Finding or downloading the archive
# ---------------------------------------------------------------------------------------------

def network_reachable(host="ai.stanford.edu", port=443, timeout=3.0) -> bool:
    """True when a TCP connection to ``host:port`` opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_imdb(dest, url=IMDB_URL, size=IMDB_SIZE, sha256=IMDB_SHA256, console=None) -> Path:
    """Download ``url`` to ``dest`` with a rich progress bar; check its size and SHA-256.

    The file is written to ``dest.part`` and renamed only after both checks pass; a bad
    download is deleted and raises ``DataFormatError``. ``size``/``sha256`` of None skip a check.
    """
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    with urllib.request.urlopen(url, timeout=30) as response, open(part, "wb") as fh:
        total = int(response.headers.get("Content-Length") or 0) or size
        columns = (TextColumn("downloading {task.description}"), BarColumn(), DownloadColumn(),
                   TransferSpeedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(dest.name, total=total)
            for block in iter(lambda: response.read(1 << 16), b""):
                fh.write(block)
                progress.update(task, advance=len(block))
    got_size = part.stat().st_size
    problem = None
    if size is not None and got_size != size:
        problem = f"has {got_size:,} bytes; expected {size:,}"
    elif sha256 is not None and _sha256(part) != sha256:
        problem = f"has SHA-256 {_sha256(part)}; expected {sha256}"
    if problem:
        part.unlink()
        raise DataFormatError(f"the download of {url} {problem}; try again or download it by hand")
    os.replace(part, dest)
    return dest


def resolve_imdb_path(path=None, cache_dir=None, download=True, console=None) -> Path:
    """Where the IMDb data is (see the module docstring for the order); download it if allowed.

    Raises ``DataNotFoundError`` naming the flag, variable and folder to use when nothing is found.
    """
    if path is not None:
        p = Path(path).expanduser()
        if not p.exists():
            raise DataNotFoundError(f"--imdb path {p} does not exist; expected {IMDB_ARCHIVE} or an aclImdb/ folder")
        return p
    env = os.environ.get(ENV_PATH)
    if env:
        p = Path(env).expanduser()
        if not p.exists():
            raise DataNotFoundError(f"${ENV_PATH}={env} does not exist; expected {IMDB_ARCHIVE} or an aclImdb/ folder")
        return p
    cached = default_cache_dir(cache_dir) / IMDB_ARCHIVE
    if cached.is_file():
        return cached
    if download and network_reachable():
        return download_imdb(cached, console=console)
    raise DataNotFoundError(
        f"IMDb data not found and {IMDB_URL} cannot be reached. Download {IMDB_ARCHIVE} from "
        f"{IMDB_URL} (or https://ai.stanford.edu/~amaas/data/sentiment/) and either pass "
        f"--imdb PATH, set {ENV_PATH}=PATH, or put it at {cached}"
    )


# ---------------------------------------------------------------------------------------------
# Tokenized arrays and their cache
# ---------------------------------------------------------------------------------------------

def pad_sequences(ids, offsets, L):
    """Keep the last L ids of each document, zero-padded at the front (Keras' ``pre`` layout).

    Inputs:
    - ids: (total,) integer word ids >= 1, all documents concatenated
    - offsets: (n + 1,) document i is ``ids[offsets[i]:offsets[i+1]]``
    - L: sequence length
    Returns:
    - seq: (n, L) int64; a document of length ell < L fills ``seq[i, L-ell:]``, one longer than
      L keeps its last L ids
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    n = offsets.size - 1
    lengths = np.diff(offsets)
    keep = np.minimum(lengths, L)
    seq = np.zeros((n, L), dtype=np.int64)
    rows = np.repeat(np.arange(n), keep)
    # position inside the kept tail, 0..keep-1, then shifted right to end at column L-1
    within = np.arange(keep.sum()) - np.repeat(np.cumsum(keep) - keep, keep)
    cols = within + np.repeat(L - keep, keep)
    src = within + np.repeat(offsets[1:] - keep, keep)
    seq[rows, cols] = np.asarray(ids)[src]
    return seq


def validation_split(n, n_val, rng):
    """Hold out ``n_val`` of ``n`` rows at random.

    Inputs:
    - n, n_val: integers with 0 < n_val < n
    - rng: np.random.Generator
    Returns:
    - train_idx: (n - n_val,) sorted row indices; val_idx: (n_val,) sorted row indices
    """
    if not 0 < n_val < n:
        raise ValueError(f"n_val is {n_val}; expected 0 < n_val < n = {n}")
    perm = rng.permutation(n)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


@dataclass(frozen=True)
class ImdbData:
    """Tokenized IMDb reviews (V = len(vocab)); see ``load_imdb``.

    Fields: ``vocab`` (V words, most frequent first); ``ids[split]`` (total,) int32 word ids in
    1..V of all reviews concatenated and ``offsets[split]`` (n + 1,); ``y[split]`` (n,) int8;
    ``bow_parts[split]`` the CSR (indices, indptr) of the binary bag-of-words; ``source``; ``cache_file``;
    ``from_cache`` (True when the npz cache was hit).
    """

    vocab: tuple
    ids: dict
    offsets: dict
    y: dict
    bow_parts: dict
    source: str
    cache_file: str | None
    from_cache: bool

    def sequences(self, split, L=500):
        """(n, L) int64: the last L word ids of every review of ``split``, zero-padded in front."""
        return pad_sequences(self.ids[split], self.offsets[split], L)

    def bow(self, split):
        """(n, V) binary bag-of-words of ``split`` as a float64 scipy CSR matrix."""
        indices, indptr = self.bow_parts[split]
        data = np.ones(indices.size, dtype=np.float64)
        return sp.csr_matrix((data, indices, indptr), shape=(indptr.size - 1, len(self.vocab)))

    def lengths(self, split):
        """(n,) number of in-vocabulary words of each review."""
        return np.diff(self.offsets[split])


def _fingerprint(source: Path) -> dict:
    """Path, size and mtime of an archive; for a folder, the count, total size and newest mtime of its reviews."""
    if source.is_file():
        st = source.stat()
        return {"source": str(source.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    root = _folder_root(source) or source
    count = size = newest = 0
    for split in SPLITS:
        for label in LABELS:
            with os.scandir(root / split / label) as entries:
                for entry in entries:
                    if entry.name.endswith(".txt"):
                        st = entry.stat()
                        count, size, newest = count + 1, size + st.st_size, max(newest, st.st_mtime_ns)
    return {"source": str(root.resolve()), "files": count, "size": size, "mtime_ns": newest}


def _cache_key(source: Path, max_words: int) -> str:
    from . import bow

    meta = {
        "format": _CACHE_FORMAT, **_fingerprint(source), "max_words": max_words,
        "tokenizer": hashlib.sha256(inspect.getsource(bow.tokenize).encode()).hexdigest(),
        "vocabulary": hashlib.sha256(inspect.getsource(bow.build_vocabulary).encode()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:20]


def _tokenize_and_encode(source: Path, max_words: int, log):
    from .bow import bow_encode, build_vocabulary, tokenize

    log(f"reading {source}")
    reviews = read_reviews(source)
    log("tokenizing 2 x {:,} reviews".format(len(reviews["train"][0])))
    tokens = {s: [tokenize(t) for t in reviews[s][0]] for s in SPLITS}
    vocab = build_vocabulary(tokens["train"], max_words)
    words = sorted(vocab, key=vocab.get)
    arrays = {"vocab": np.array(words)}
    for s in SPLITS:
        docs = [[vocab[w] + 1 for w in doc if w in vocab] for doc in tokens[s]]
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        arrays[f"{s}_offsets"] = np.concatenate([[0], np.cumsum(lengths)])
        arrays[f"{s}_ids"] = np.fromiter((i for d in docs for i in d), dtype=np.int32, count=int(lengths.sum()))
        arrays[f"{s}_y"] = reviews[s][1]
        X = sp.csr_matrix(bow_encode(tokens[s], vocab, binary=True))
        X.sort_indices()
        arrays[f"{s}_bow_indices"] = X.indices.astype(np.int32)
        arrays[f"{s}_bow_indptr"] = X.indptr.astype(np.int64)
    return arrays


def load_imdb(path=None, *, max_words=10_000, cache_dir=None, use_cache=True, download=True,
              log=None, console=None) -> ImdbData:
    """Load (and cache) the tokenized IMDb reviews.

    Inputs:
    - path: archive or folder (None: ``$DEEPGRADE_IMDB``, cache, download; see module docstring)
    - max_words: vocabulary size V (ISLP: 10,000)
    - cache_dir: cache folder (None: ``$DEEPGRADE_CACHE`` or ``~/.cache/deepgrade``)
    - use_cache: read and write ``<cache>/imdb-<key>.npz``
    - download: allow downloading the official archive when nothing is found
    - log: optional callable taking a progress message
    Returns:
    - data: ImdbData
    """
    from .validate import positive_int

    max_words = positive_int("max_words", max_words)
    log = log or (lambda msg: None)
    source = resolve_imdb_path(path, cache_dir=cache_dir, download=download, console=console)
    cache_file = None
    arrays = None
    from_cache = False
    if use_cache:
        cache_file = default_cache_dir(cache_dir) / f"imdb-{_cache_key(source, max_words)}.npz"
        if cache_file.is_file():
            try:
                with np.load(cache_file, allow_pickle=False) as z:
                    arrays = {k: z[k] for k in z.files}
                from_cache = True
                log(f"loaded cached arrays {cache_file}")
            except (OSError, ValueError) as e:  # a truncated or foreign file: rebuild it
                log(f"ignoring unreadable cache {cache_file} ({e})")
    if arrays is None:
        arrays = _tokenize_and_encode(source, max_words, log)
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_name(cache_file.name + f".{os.getpid()}.tmp.npz")
            np.savez(tmp, **arrays)
            os.replace(tmp, cache_file)
            log(f"wrote cache {cache_file}")
    return ImdbData(
        vocab=tuple(str(w) for w in arrays["vocab"]),
        ids={s: arrays[f"{s}_ids"] for s in SPLITS},
        offsets={s: arrays[f"{s}_offsets"] for s in SPLITS},
        y={s: arrays[f"{s}_y"] for s in SPLITS},
        bow_parts={s: (arrays[f"{s}_bow_indices"], arrays[f"{s}_bow_indptr"]) for s in SPLITS},
        source=str(source), cache_file=str(cache_file) if cache_file else None, from_cache=from_cache,
    )
