"""Tests for reference.data: the IMDb loader on a tiny archive in the official layout."""

import hashlib
import io
import os
import tarfile

import numpy as np
import pytest

from reference import data as D

REVIEWS = {
    ("train", "pos"): ["A great, great film.<br /><br />Loved it!", "Great acting and a great story",
                       "I loved this movie; great fun", "Wonderful film, great cast"],
    ("train", "neg"): ["A bad, boring film.", "Terrible acting, bad story, boring", "I hated this movie: bad",
                       "Awful film and a bad cast"],
    ("test", "pos"): ["great story, loved the cast", "A wonderful great movie"],
    ("test", "neg"): ["boring and bad", "a terrible, awful film"],
}


def _write_tree(root):
    """Write REVIEWS as aclImdb/{split}/{label}/{i}_{rating}.txt plus the archive's extra files."""
    base = root / "aclImdb"
    for (split, label), texts in REVIEWS.items():
        folder = base / split / label
        folder.mkdir(parents=True)
        for i, text in enumerate(texts):
            (folder / f"{i}_{8 if label == 'pos' else 2}.txt").write_text(text, encoding="utf-8")
        (base / split / f"urls_{label}.txt").write_text("http://example.org\n" * len(texts))
    (base / "README").write_text("fixture")
    (base / "imdb.vocab").write_text("the\nand\n")
    return base


@pytest.fixture(scope="module")
def fixture_data(tmp_path_factory):
    """(tarball path, extracted aclImdb folder) of the same tiny data set."""
    root = tmp_path_factory.mktemp("imdb")
    folder = _write_tree(root)
    tarball = root / "aclImdb_v1.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(folder, arcname="aclImdb")
    return tarball, folder


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(D.ENV_PATH, raising=False)
    monkeypatch.delenv(D.ENV_CACHE, raising=False)


def test_tarball_and_folder_give_the_same_arrays(fixture_data, tmp_path):
    """Do the tarball (read without extraction) and the extracted folder load identically?"""
    tarball, folder = fixture_data
    a = D.load_imdb(tarball, max_words=50, cache_dir=tmp_path / "c1")
    b = D.load_imdb(folder, max_words=50, cache_dir=tmp_path / "c2")
    c = D.load_imdb(folder.parent, max_words=50, cache_dir=tmp_path / "c3")   # the folder holding aclImdb/
    assert a.vocab == b.vocab == c.vocab
    for split in D.SPLITS:
        np.testing.assert_array_equal(a.ids[split], b.ids[split])
        np.testing.assert_array_equal(a.offsets[split], c.offsets[split])
        np.testing.assert_array_equal(a.y[split], b.y[split])
        assert (a.bow(split) != b.bow(split)).nnz == 0
    assert a.y["train"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1]       # neg first, then pos
    assert a.vocab[0] == "great"                                    # the most frequent training word


def test_encoding_matches_the_vocabulary(fixture_data, tmp_path):
    """Are sequence ids vocab index + 1 (0 = padding) and the bag-of-words binary over the same columns?"""
    tarball, _ = fixture_data
    d = D.load_imdb(tarball, max_words=5, cache_dir=tmp_path)
    assert len(d.vocab) == 5
    ids = d.ids["train"]
    assert ids.min() >= 1 and ids.max() <= 5
    X = d.bow("train")
    assert X.shape == (8, 5) and set(np.unique(X.data)) == {1.0}
    for i in range(8):
        doc = ids[d.offsets["train"][i]:d.offsets["train"][i + 1]]
        assert sorted(set(doc - 1)) == sorted(X[i].indices)
    # 'great' x2 in "A great, great film." keeps both occurrences in the sequence, one column in the bag
    first_pos = ids[d.offsets["train"][4]:d.offsets["train"][5]]
    assert (first_pos == d.vocab.index("great") + 1).sum() == 2


def test_second_load_hits_the_cache_and_keys_change_with_inputs(fixture_data, tmp_path):
    """Is the npz cache written once, read back identically, and rebuilt when the source or max_words change?"""
    tarball, _ = fixture_data
    first = D.load_imdb(tarball, max_words=50, cache_dir=tmp_path)
    second = D.load_imdb(tarball, max_words=50, cache_dir=tmp_path)
    assert not first.from_cache and second.from_cache
    assert first.cache_file == second.cache_file and os.path.dirname(first.cache_file) == str(tmp_path)
    np.testing.assert_array_equal(first.ids["test"], second.ids["test"])
    assert first.vocab == second.vocab
    other = D.load_imdb(tarball, max_words=7, cache_dir=tmp_path)
    assert not other.from_cache and other.cache_file != first.cache_file
    stat = tarball.stat()
    os.utime(tarball, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert not D.load_imdb(tarball, max_words=50, cache_dir=tmp_path).from_cache


def test_folder_source_is_cached_too(fixture_data, tmp_path):
    """Does an extracted folder get a cache entry keyed by its reviews?"""
    _, folder = fixture_data
    assert not D.load_imdb(folder, max_words=50, cache_dir=tmp_path).from_cache
    assert D.load_imdb(folder, max_words=50, cache_dir=tmp_path).from_cache


def test_cache_dir_comes_from_the_environment(fixture_data, tmp_path, monkeypatch):
    """Do DEEPGRADE_CACHE and DEEPGRADE_IMDB replace the arguments?"""
    tarball, _ = fixture_data
    monkeypatch.setenv(D.ENV_CACHE, str(tmp_path / "envcache"))
    monkeypatch.setenv(D.ENV_PATH, str(tarball))
    d = D.load_imdb(max_words=50)
    assert d.source == str(tarball)
    assert d.cache_file.startswith(str(tmp_path / "envcache"))
    assert D.default_cache_dir("/x/y").as_posix() == "/x/y"


def test_pad_sequences_keeps_the_last_L_ids_padded_in_front():
    """Is a short document right-aligned after zeros and a long one cut to its last L ids?"""
    ids = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9])
    offsets = np.array([0, 2, 2, 9])              # [1, 2], [], [3..9]
    seq = D.pad_sequences(ids, offsets, 4)
    np.testing.assert_array_equal(seq, [[0, 0, 1, 2], [0, 0, 0, 0], [6, 7, 8, 9]])
    assert seq.dtype == np.int64


def test_sequences_of_the_loaded_data(fixture_data, tmp_path):
    """Do ImdbData.sequences end with each review's last ids and start with padding?"""
    tarball, _ = fixture_data
    d = D.load_imdb(tarball, max_words=50, cache_dir=tmp_path)
    S = d.sequences("train", L=3)
    lengths = d.lengths("train")
    for i in range(8):
        doc = d.ids["train"][d.offsets["train"][i]:d.offsets["train"][i + 1]]
        np.testing.assert_array_equal(S[i][3 - min(3, lengths[i]):], doc[-3:])
    S_long = d.sequences("train", L=20)
    assert (S_long[:, 0] == 0).all() and (S_long[:, -1] > 0).all()


def test_validation_split_is_seeded_and_disjoint():
    """Does the same seed give the same 2-way split, and do the parts cover every row once?"""
    tr1, va1 = D.validation_split(100, 20, np.random.default_rng(3))
    tr2, va2 = D.validation_split(100, 20, np.random.default_rng(3))
    _, va3 = D.validation_split(100, 20, np.random.default_rng(4))
    np.testing.assert_array_equal(va1, va2)
    np.testing.assert_array_equal(tr1, tr2)
    assert not np.array_equal(va1, va3)
    assert va1.size == 20 and tr1.size == 80
    assert sorted(np.r_[tr1, va1].tolist()) == list(range(100))
    with pytest.raises(ValueError, match="n_val"):
        D.validation_split(10, 10, np.random.default_rng(0))


def test_offline_without_data_names_the_flag_the_variable_and_the_folder(tmp_path, monkeypatch):
    """Offline and with no file anywhere, is the error a DataNotFoundError saying where to put it?"""
    calls = []
    monkeypatch.setattr(D, "network_reachable", lambda *a, **k: calls.append(1) or False)
    with pytest.raises(D.DataNotFoundError) as err:
        D.resolve_imdb_path(None, cache_dir=tmp_path)
    msg = str(err.value)
    assert "--imdb" in msg and D.ENV_PATH in msg and str(tmp_path / D.IMDB_ARCHIVE) in msg and D.IMDB_URL in msg
    assert calls == [1]


def test_missing_paths_and_bad_layouts_are_named(tmp_path, monkeypatch):
    """Do a missing --imdb path, a missing $DEEPGRADE_IMDB and a folder without the layout raise clearly?"""
    with pytest.raises(D.DataNotFoundError, match="--imdb path .*nope"):
        D.resolve_imdb_path(tmp_path / "nope")
    monkeypatch.setenv(D.ENV_PATH, str(tmp_path / "gone.tar.gz"))
    with pytest.raises(D.DataNotFoundError, match=r"\$DEEPGRADE_IMDB=.*gone"):
        D.resolve_imdb_path(None, cache_dir=tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(D.DataFormatError, match="aclImdb layout"):
        D.read_reviews(tmp_path / "empty")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(D.DataFormatError, match="not a readable tar"):
        D.read_reviews(junk)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("aclImdb/README")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(D.DataFormatError, match="0 labelled train reviews"):
        D.read_reviews(other)


def test_cached_download_is_used_before_the_network(fixture_data, tmp_path, monkeypatch):
    """Is <cache>/aclImdb_v1.tar.gz, left by an earlier download, found without touching the network?"""
    tarball, _ = fixture_data
    (tmp_path / D.IMDB_ARCHIVE).write_bytes(tarball.read_bytes())
    monkeypatch.setattr(D, "network_reachable", lambda *a, **k: pytest.fail("network checked"))
    assert D.resolve_imdb_path(None, cache_dir=tmp_path) == tmp_path / D.IMDB_ARCHIVE


def test_download_checks_size_and_checksum(fixture_data, tmp_path):
    """Does download_imdb (here from a file:// URL) keep a good file and delete a corrupt one?"""
    tarball, _ = fixture_data
    blob = tarball.read_bytes()
    url = tarball.as_uri()
    good = D.download_imdb(tmp_path / "ok.tar.gz", url=url, size=len(blob),
                           sha256=hashlib.sha256(blob).hexdigest())
    assert good.read_bytes() == blob
    with pytest.raises(D.DataFormatError, match="bytes; expected"):
        D.download_imdb(tmp_path / "bad.tar.gz", url=url, size=len(blob) + 1, sha256=None)
    with pytest.raises(D.DataFormatError, match="SHA-256"):
        D.download_imdb(tmp_path / "bad.tar.gz", url=url, size=len(blob), sha256="0" * 64)
    assert not (tmp_path / "bad.tar.gz").exists() and not (tmp_path / "bad.tar.gz.part").exists()


def test_no_path_and_online_downloads_into_the_cache(fixture_data, tmp_path, monkeypatch):
    """With no path and the network reachable, is the archive downloaded to <cache>/aclImdb_v1.tar.gz?"""
    tarball, _ = fixture_data
    monkeypatch.setattr(D, "network_reachable", lambda *a, **k: True)
    got = {}

    def fake_download(dest, console=None):
        got["dest"] = dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(tarball.read_bytes())
        return dest

    monkeypatch.setattr(D, "download_imdb", fake_download)
    d = D.load_imdb(None, max_words=50, cache_dir=tmp_path)
    assert got["dest"] == tmp_path / D.IMDB_ARCHIVE and d.source == str(tmp_path / D.IMDB_ARCHIVE)


def test_official_archive_constants():
    """Are the download's URL, size and checksum those of the official v1.0 archive?"""
    assert D.IMDB_URL == "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
    assert D.IMDB_SIZE == 84_125_825
    assert D.IMDB_SHA256 == "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
