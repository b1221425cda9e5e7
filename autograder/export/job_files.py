"""The files a platform's grading job reads before any student code runs (stdlib only: the one-shot jobs
start fast): a bounded JSON object (the job's config, the platform's metadata) and the course secret."""

from __future__ import annotations

import json
from pathlib import Path


def read_json_object(path: Path, limit: int, what: str) -> dict:
    """The JSON object in ``path`` (at most ``limit`` bytes); RuntimeError naming ``what`` and the file."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise RuntimeError(f"{what} {path}: cannot read it ({exc.strerror})") from None
    if len(raw) > limit:
        raise RuntimeError(f"{what} {path} is larger than {limit} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise RuntimeError(f"{what} {path} is not JSON ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not isinstance(data, dict):
        raise RuntimeError(f"{what} {path} is not a JSON object")
    return data


def read_secret(path: Path, *, delete: bool = False) -> bytes:
    """The course secret in ``path``; with ``delete`` the file is removed at once, so nothing that runs later
    (student code) can read it from disk."""
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise RuntimeError(f"course secret {path}: cannot read it ({exc.strerror})") from None
    if delete:
        try:
            path.unlink()
        except OSError:
            pass
    if not secret:
        raise RuntimeError(f"course secret {path} is empty")
    return secret
