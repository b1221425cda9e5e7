"""Moved to :mod:`reference.nyse_file` (it is the data of an assignment, not the engine's); this alias stays
while in-flight work imports it from here."""

from reference.nyse_file import NYSE_COLUMNS, NYSE_FILE, NYSE_SHA256, load_nyse, nyse_csv  # noqa: F401
