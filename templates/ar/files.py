"""Files every bundle of this assignment carries beside the notebook: ISLP's NYSE slice as nyse.csv."""

from __future__ import annotations


def files() -> dict[str, bytes]:
    from reference.nyse_file import NYSE_FILE, nyse_csv

    return {NYSE_FILE: nyse_csv()}
