"""Headless Chromium, to look at our pages as a reader's browser does (tests, benchmarks, screenshots).

One Chromium run per page, with a fresh profile, no sandbox (we run it as root in CI), no GPU and
no network services. :func:`load` returns the rendered DOM and whatever the page wrote to the
console (an uncaught error included); :func:`screenshot` writes a PNG.

Chromium is Debian's ``chromium`` package (``make chromium`` installs it when we may).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = ("headless Chromium is needed to check the HTML reports: install Debian's package with "
                "`sudo apt-get install -y chromium` (or run `make chromium` as root)")
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0")
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\]? ?(.*)")


class BrowserMissing(RuntimeError):
    """No Chromium on this machine."""


@dataclass(frozen=True)
class Rendered:
    dom: str  # the DOM after the page's scripts ran
    console: list[str]  # every console message, uncaught errors included
    elapsed_s: float


def find() -> str:
    """The Chromium executable; raises :class:`BrowserMissing` with how to install it."""
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise BrowserMissing(INSTALL_HINT)


def _run(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    with tempfile.TemporaryDirectory(prefix="deepgrade-chromium-") as profile:
        start = time.perf_counter()
        proc = subprocess.run([find(), *_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, errors="replace")
        return proc, time.perf_counter() - start


def load(page: str | Path, *, timeout: float = 60.0) -> Rendered:
    """Open ``page`` (a file) and return its rendered DOM and console messages."""
    url = Path(page).resolve().as_uri()
    proc, elapsed = _run(["--dump-dom", url], timeout)
    if proc.returncode != 0 or "<html" not in proc.stdout:
        raise RuntimeError(f"chromium could not render {page} (exit {proc.returncode}): {proc.stderr[-2000:]}")
    console = [m.group(1) for m in map(_CONSOLE.search, proc.stderr.splitlines()) if m]
    return Rendered(proc.stdout, console, elapsed)


def screenshot(page: str | Path, png: str | Path, *, width: int = 1200, height: int = 900,
               timeout: float = 60.0) -> Path:
    """Write a ``width`` x ``height`` PNG of ``page``'s top to ``png``."""
    png = Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    proc, _ = _run([f"--screenshot={png}", f"--window-size={width},{height}", Path(page).resolve().as_uri()],
                   timeout)
    if proc.returncode != 0 or not png.is_file():
        raise RuntimeError(f"chromium could not screenshot {page} (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return png
