"""Is the ar bundle's nyse.csv ISLP's NYSE slice to the last bit, guarded by its checksum?"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from reference.ar import NYSE_SERIES, ar_design_matrix, fit_ols, r_squared
from reference.ar import load_nyse as islp_nyse
from reference.nyse_file import NYSE_FILE, NYSE_SHA256, load_nyse, nyse_csv
from reference.nyse_variant import nyse_variant_data


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("nyse") / NYSE_FILE
    path.write_bytes(nyse_csv())
    return path


def test_checksum_is_the_files(bundles):
    """Is the constant the SHA-256 of the file the ar bundle ships (and only ar ships it)?"""
    data = bundles["ar"].files[NYSE_FILE]
    assert hashlib.sha256(data).hexdigest() == NYSE_SHA256
    assert all(NYSE_FILE not in b.files for a, b in bundles.items() if a != "ar")


def test_same_values_and_same_r2_as_islp(csv_path):
    """Same floats, weekdays and dates as ISLP's frame; the same test R^2 to the last digit."""
    mine, frame = load_nyse(csv_path), islp_nyse()
    for s in NYSE_SERIES:
        assert np.array_equal(mine[s], frame[s].to_numpy(dtype=np.float64))
    assert list(mine["day_of_week"]) == list(frame["day_of_week"].astype(str))
    assert np.array_equal(mine["date"], np.asarray(frame.index, dtype="datetime64[D]"))
    for data in (mine, frame):
        Xtr, ytr, Xte, yte = nyse_variant_data(data, 5, list(NYSE_SERIES), False, ar_design_matrix)
        assert r_squared(yte, Xte @ fit_ols(Xtr, ytr)) == pytest.approx(0.4128912938562521, abs=1e-14)


def test_crlf_is_accepted_and_a_changed_file_refused(csv_path, tmp_path):
    """A CRLF checkout reads the same; one changed digit is refused with a plain message."""
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(csv_path.read_bytes().replace(b"\n", b"\r\n"))
    assert np.array_equal(load_nyse(crlf)["log_volume"], load_nyse(csv_path)["log_volume"])
    changed = tmp_path / "changed.csv"
    changed.write_bytes(csv_path.read_bytes().replace(b"0.032573", b"0.032574", 1))
    with pytest.raises(ValueError, match="SHA-256 differs"):
        load_nyse(changed)
    with pytest.raises(FileNotFoundError, match="keep nyse.csv beside this notebook"):
        load_nyse(tmp_path / "absent.csv")
