"""The slice of ISLP's NYSE data the ar assignment uses, shipped in its bundle as ``nyse.csv``.

A student should not need ISLP (which pulls torch and pytorch-lightning) to read one table. So the
bundle holds the 6,051 days of the three series and the weekday as plain CSV, every float written
with ``repr`` (it reads back to the very same float, so the R^2 of the answer key is reproduced to
the last digit), and ``load_nyse`` below (copied into ``ar_given.py``) reads it with the standard
library and numpy after checking its SHA-256. ``nyse_csv`` (trusted side) writes the file from ISLP.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

NYSE_FILE = "nyse.csv"
NYSE_COLUMNS = ("date", "day_of_week", "DJ_return", "log_volume", "log_volatility")
NYSE_SHA256 = "af7ba7cd0fa90bc772cb11c12bbe3252451df1a5c6bb906c9189e510247f7750"  # of the file, "\n" line ends


def load_nyse(path=None):
    """The NYSE data of ISLP's lab (6,051 trading days, 1962-12-03 to 1986-12-31) from nyse.csv.

    Inputs:
    - path: the CSV file (default: nyse.csv beside this module)
    Returns:
    - nyse: dict of (T,) arrays: "date" (datetime64[D]), "day_of_week" (str: mon ... fri), and the
      float64 series "DJ_return", "log_volume", "log_volatility"
    """
    path = Path(__file__).with_name(NYSE_FILE) if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: keep {NYSE_FILE} beside this notebook (it came in the bundle)")
    data = path.read_bytes().replace(b"\r\n", b"\n")  # a checkout may have turned line ends into CRLF
    if hashlib.sha256(data).hexdigest() != NYSE_SHA256:
        raise ValueError(f"{path} is not the file of the bundle (its SHA-256 differs): copy it again from the bundle")
    rows = list(csv.reader(data.decode("utf-8").splitlines()))
    if tuple(rows[0]) != NYSE_COLUMNS:
        raise ValueError(f"{path} has columns {rows[0]}; expected {list(NYSE_COLUMNS)}")
    columns = list(zip(*rows[1:]))
    nyse = {"date": np.array(columns[0], dtype="datetime64[D]"), "day_of_week": np.array(columns[1], dtype=str)}
    for name, values in zip(NYSE_COLUMNS[2:], columns[2:]):
        nyse[name] = np.array([float(v) for v in values], dtype=np.float64)
    return nyse


def nyse_csv() -> bytes:
    """``nyse.csv`` written from ISLP's NYSE frame (the instructor's side has ISLP installed)."""
    from reference.ar import load_nyse as islp_nyse

    frame = islp_nyse()
    lines = [",".join(NYSE_COLUMNS)]
    series = [frame[c].to_numpy(dtype=np.float64) for c in NYSE_COLUMNS[2:]]
    for i, (date, day) in enumerate(zip(frame.index, frame["day_of_week"].astype(str))):
        lines.append(",".join([str(date), day, *(repr(float(s[i])) for s in series)]))
    return ("\n".join(lines) + "\n").encode("utf-8")
