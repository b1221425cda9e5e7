"""``--format gradescope``: an autograder zip for Gradescope, grading with deepgrade inside its container.

Gradescope's autograder contract (gradescope-autograders.readthedocs.io: "Autograder Specifications",
"Submission Metadata"): the zip holds ``setup.sh`` and ``run_autograder`` at its root; Gradescope unpacks
it into ``/autograder/source``, runs ``setup.sh`` once as root while it builds the image, copies
``run_autograder`` to ``/autograder/run_autograder``, and for each submission starts a fresh container
with the files in ``/autograder/submission/`` and ``/autograder/submission_metadata.json``, runs
``run_autograder`` in ``/autograder`` and uploads ``/autograder/results/results.json``.

The zip written here (``gradescope.zip``):

- ``setup.sh``: makes a venv of a Python >= 3.11 at ``/opt/deepgrade`` (readable by every user: the
  sandbox's children run as uid 65534 and need the runtime), installs torch's CPU build and the wheel
  below from the registries, then makes deepgrade's installation root-only: the secret and the config
  (``/autograder/source``, mode 0700), deepgrade's ``autograder`` and ``reference`` packages (hidden
  suites, answer key) in the venv; and checks that the install can grade;
- ``run_autograder``: runs :mod:`autograder.export.gradescope_run` with that venv;
- ``deepgrade-*.whl``: this deepgrade, built from the checkout (or re-packed from its installation);
- ``deepgrade.json``: the assignment, which field of ``users[0]`` is the student id (``--identity``),
  the visibility of each hidden test's details (``--visibility``) and the protections grading requires
  (``--require``);
- ``deepgrade.key``: the course secret (mode 0600). Keep the zip where only course staff can read it;
- ``course/``: for an assignment of a course folder (``--course``), its folder and the course's reference
  modules (:mod:`autograder.export.course_files`), root-only like the rest of ``source/``.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from base64 import urlsafe_b64encode
from pathlib import Path

from autograder.export.base import ExportError, ExportJob, Setting, write

RUN_MODULE = "autograder.export.gradescope_run"
ZIP_NAME = "gradescope.zip"
KEY_FILE = "deepgrade.key"
CONFIG_FILE = "deepgrade.json"
IDENTITIES = ("email", "id", "sid")
VENV = "/opt/deepgrade"
# the files of a checkout a wheel is built from (setup.py maps templates/ into autograder._templates)
SOURCES = ("pyproject.toml", "setup.py", "README.md", "autograder", "reference", "templates")
# environment variables for tests only: where /autograder is, where the venv is, and no registry at all
TEST_ENV = ("DEEPGRADE_GS_ROOT", "DEEPGRADE_GS_VENV", "DEEPGRADE_GS_OFFLINE")

SETUP_SH = r"""#!/usr/bin/env bash
# deepgrade's Gradescope autograder: Gradescope runs this once, as root, while it builds the image.
# It installs deepgrade (the wheel beside this file) and its dependencies into a venv every user may read
# (the sandbox's children run as uid 65534), then makes deepgrade's own files root-only.
# DEEPGRADE_GS_ROOT, DEEPGRADE_GS_VENV and DEEPGRADE_GS_OFFLINE exist for deepgrade's tests only.
set -euo pipefail
umask 022
ROOT="${DEEPGRADE_GS_ROOT:-/autograder}"
VENV="${DEEPGRADE_GS_VENV:-__VENV__}"
SRC="$ROOT/source"
WHEEL=$(ls "$SRC"/deepgrade-*.whl)

python_ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
if [ ! -x "$VENV/bin/python" ]; then
  PY=""
  for p in python3.13 python3.12 python3.11 python3; do
    if command -v "$p" >/dev/null && python_ok "$(command -v "$p")"; then PY=$(command -v "$p"); break; fi
  done
  if [ -z "$PY" ]; then  # Ubuntu 22.04 ships 3.10: take 3.11 from its updates
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv
    PY=$(command -v python3.11)
  fi
  "$PY" -m venv "$VENV"
fi
if [ -z "${DEEPGRADE_GS_OFFLINE:-}" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # torch's CPU build first: the default one from PyPI carries CUDA (gigabytes the grader never uses)
  "$VENV/bin/python" -m pip install -q --index-url https://download.pytorch.org/whl/cpu "torch>=2.2,<3"
  "$VENV/bin/python" -m pip install -q "$WHEEL"
else
  "$VENV/bin/python" -m pip install -q --no-deps --no-index "$WHEEL"
fi

# root-only: the secret and the config, and deepgrade's packages (hidden suites, answer key); the Python
# runtime stays readable by all, since student code runs as uid 65534 and imports numpy from it
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
chown -R root:root "$SRC" "$SITE/autograder" "$SITE/reference" 2>/dev/null || true
chmod -R go-rwx "$SRC" "$SITE/autograder" "$SITE/reference"
chmod 0600 "$SRC/__KEY__"
chmod 0755 "$SRC/run_autograder"
if [ -f "$ROOT/run_autograder" ]; then chmod 0755 "$ROOT/run_autograder"; fi

# fail the image build now, not at the first submission, if this install cannot grade
"$VENV/bin/python" -I -m __MODULE__ --check
"""

RUN_AUTOGRADER = r"""#!/bin/sh
# deepgrade's Gradescope autograder: Gradescope runs this as root in /autograder for each submission.
# It grades the notebook in /autograder/submission and writes /autograder/results/results.json.
exec "${DEEPGRADE_GS_VENV:-__VENV__}/bin/python" -I -m __MODULE__
"""


def _fill(template: str) -> str:
    return template.replace("__VENV__", VENV).replace("__MODULE__", RUN_MODULE).replace("__KEY__", KEY_FILE)


def _zip(files: dict[str, tuple[bytes, int]]) -> bytes:
    """A zip of ``{name: (data, mode)}`` with the permission bits kept and a fixed date."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, (data, mode) in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, data)
    return buf.getvalue()


# -- the wheel -------------------------------------------------------------------------------------------
def _checkout() -> Path | None:
    """The checkout deepgrade runs from (an editable install), or None when it is installed from a wheel."""
    import autograder

    repo = Path(autograder.__file__).resolve().parents[1]
    return repo if all((repo / name).exists() for name in SOURCES) else None


def _wheel_from_checkout(repo: Path, dest: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="deepgrade-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in SOURCES:
            if (repo / name).is_dir():
                shutil.copytree(repo / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(repo / name, src / name)
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dest),
               str(src)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise ExportError("could not build deepgrade's wheel from the checkout (needs pip and setuptools): "
                              + (done.stderr or done.stdout).strip()[-1500:])
    found = sorted(dest.glob("deepgrade-*.whl"))
    if len(found) != 1:
        raise ExportError(f"building deepgrade's wheel left {len(found)} wheels in {dest}")
    return found[0]


def _record_hash(data: bytes) -> str:
    return "sha256=" + urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel_from_install(dest: Path) -> Path:
    """deepgrade's wheel re-packed from its installed files (as RECORD lists them), with a fresh RECORD."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("deepgrade")
    except PackageNotFoundError:
        raise ExportError("deepgrade is neither a checkout nor an installed distribution; give --wheel") from None
    info_dir = next((str(f).split("/")[0] for f in dist.files or () if str(f).endswith(".dist-info/METADATA")), None)
    if info_dir is None:
        raise ExportError("deepgrade's installation has no METADATA; give --wheel")
    skip = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    entries: dict[str, bytes] = {}
    for f in dist.files or ():
        name = str(f)
        top = name.split("/")[0]
        if top not in ("autograder", "reference", info_dir) or "__pycache__" in name or name.endswith(".pyc"):
            continue
        if top == info_dir and name.rsplit("/", 1)[-1] in skip:
            continue
        entries[name] = Path(dist.locate_file(f)).read_bytes()
    record = "".join(f"{n},{_record_hash(d)},{len(d)}\n" for n, d in sorted(entries.items()))
    entries[f"{info_dir}/RECORD"] = (record + f"{info_dir}/RECORD,,\n").encode()
    path = dest / f"deepgrade-{dist.version}-py3-none-any.whl"
    path.write_bytes(_zip({n: (d, 0o644) for n, d in entries.items()}))
    return path


def build_wheel(dest: Path) -> Path:
    """This deepgrade as a wheel in ``dest``: built from the checkout, else re-packed from the installation."""
    repo = _checkout()
    return _wheel_from_checkout(repo, dest) if repo else _wheel_from_install(dest)


def _course(assignment: str) -> dict[str, bytes]:
    from autograder.export.course_files import course_files

    try:
        return course_files(assignment)
    except ValueError as exc:
        raise ExportError(str(exc)) from None


# -- the exporter ----------------------------------------------------------------------------------------
class GradescopeExporter:
    name = "gradescope"
    ships_course = True  # a course's assignment folder travels in the zip
    summary = "a Gradescope autograder zip (setup.sh, run_autograder, deepgrade's wheel, the course secret)"
    settings = (
        Setting("identity", str, "email", "gradescope: the field of submission_metadata.json's users[0] that "
                "is the deepgrade student id (email, id or sid)"),
        Setting("visibility", str, "after_published", "gradescope: when students see each hidden test's "
                "details (hidden, after_due_date, after_published, visible); the total is shown at once"),
        Setting("require", str, "hidden-files,no-network", "gradescope: protections without which "
                "run_autograder refuses to grade (see deepgrade doctor)"),
        Setting("wheel", str, "", "gradescope: a deepgrade wheel to ship (default: built from this deepgrade)"),
    )

    def export(self, job: ExportJob) -> list[Path]:
        from autograder.grading.formats import GRADESCOPE_VISIBILITIES
        from autograder.manifest import load_manifest
        from autograder.sandbox.requirements import parse

        s = job.settings
        if s["identity"] not in IDENTITIES:
            raise ExportError(f"--identity must be one of {', '.join(IDENTITIES)}; got {s['identity']!r}")
        if s["visibility"] not in GRADESCOPE_VISIBILITIES:
            raise ExportError(f"--visibility must be one of {', '.join(GRADESCOPE_VISIBILITIES)}; "
                              f"got {s['visibility']!r}")
        try:
            require = ",".join(parse(s["require"]))
        except ValueError as exc:
            raise ExportError(f"--require: {exc}") from None
        manifest = load_manifest(job.assignment)
        with tempfile.TemporaryDirectory(prefix="deepgrade-gs-") as tmp:
            wheel = Path(s["wheel"]) if s["wheel"] else build_wheel(Path(tmp))
            if not (wheel.is_file() and wheel.name.startswith("deepgrade-") and wheel.suffix == ".whl"):
                raise ExportError(f"--wheel {wheel}: not a deepgrade-*.whl file")
            config = {"assignment": job.assignment, "title": manifest.title, "identity": s["identity"],
                      "visibility": s["visibility"], "require": require,
                      "submission": [f"{job.assignment}.ipynb", f"{job.assignment}.py"]}
            files = {
                "setup.sh": (_fill(SETUP_SH).encode(), 0o755),
                "run_autograder": (_fill(RUN_AUTOGRADER).encode(), 0o755),
                CONFIG_FILE: ((json.dumps(config, indent=2) + "\n").encode(), 0o600),
                KEY_FILE: (job.secret + b"\n", 0o600),
                wheel.name: (wheel.read_bytes(), 0o644),
            }
            files |= {name: (data, 0o600) for name, data in _course(job.assignment).items()}
        return [write(job.out / ZIP_NAME, _zip(files), 0o600)]


EXPORTER = GradescopeExporter()
