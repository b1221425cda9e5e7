"""Per-student variants, derived from (course secret, assignment id, student id) by HMAC-SHA256.

Three derivations, each with its own label so knowing one tells nothing about another:

- ``variant(a, s, secret)``: the parameters a student sees in their notebook, drawn from the variant space
  that the assignment's manifest declares (``templates/<id>/manifest.toml``, ``[variant]``);
- ``hidden_seed(a, s, secret)``: the seed of the hidden tests' inputs; never written to a student file;
- ``public_seed(a)``: the seed of the public self-check inputs; needs no secret, the same for everyone.

Choices are drawn from the HMAC bytes directly (not from a numpy generator), so a variant is the same on
every machine and numpy version. The secret itself never appears in anything a student receives.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from pathlib import Path

from autograder.manifest import check_assignment_id, load_manifest

DEMO_SECRET = b"deepgrade-public-demo-secret: anyone can rebuild these variants; never use it for a course"
SECRET_ENV = "DEEPGRADE_SECRET"

_STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")  # used with fullmatch: "$" would admit a final "\n"


def check_student_id(student_id: str) -> str:
    """Return ``student_id`` or raise ValueError: 1-64 of letters, digits and ``. _ @ + -``."""
    if not isinstance(student_id, str) or not _STUDENT_ID.fullmatch(student_id):
        raise ValueError(
            f"student id {student_id!r} is not valid; expected 1-64 characters from letters, digits "
            "and . _ @ + -, starting with a letter or digit"
        )
    return student_id


def load_secret(secret_file: str | None, demo: bool) -> bytes:
    """The course secret: ``--secret-file``, else ``$DEEPGRADE_SECRET``; ``demo`` uses DEMO_SECRET.

    ``demo`` wins over the environment (a demo never uses a real course's secret by accident) and
    cannot be combined with a secret file. Raises ValueError when no secret is available.
    """
    if demo:
        if secret_file:
            raise ValueError("--demo and --secret-file exclude each other; give one")
        return DEMO_SECRET
    if secret_file:
        path = Path(secret_file)
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise ValueError(f"--secret-file {secret_file}: cannot read it ({exc.strerror})") from None
        if not secret:
            raise ValueError(f"--secret-file {secret_file} is empty; expected the course secret")
        return secret
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env.encode("utf-8")
    raise ValueError(
        f"no course secret: give --secret-file FILE or set {SECRET_ENV} "
        "(or --demo to use the public demo secret, for trying deepgrade out)"
    )


def _digest(secret: bytes, label: str, *parts: str) -> bytes:
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("secret must be non-empty bytes")
    msg = "\0".join((label, *parts)).encode("utf-8")
    return hmac.new(secret, msg, hashlib.sha256).digest()


def _index(secret: bytes, assignment_id: str, student_id: str, name: str, n: int) -> int:
    """A number in [0, n) for parameter ``name`` (256-bit digest, so the modulo bias is nil)."""
    d = _digest(secret, "deepgrade/variant/v1", assignment_id, student_id, name)
    return int.from_bytes(d, "big") % n


def _permutation(secret: bytes, assignment_id: str, student_id: str, name: str, n: int) -> list[int]:
    order = list(range(n))
    for i in range(n - 1, 0, -1):  # Fisher-Yates
        j = _index(secret, assignment_id, student_id, f"{name}#{i}", i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def variant(assignment_id: str, student_id: str, secret: bytes) -> dict:
    """The JSON-able parameters of one student's variant of one assignment.

    Always has ``"assignment"`` and ``"student"``; then one value per parameter of the manifest's
    ``[variant]`` table, in its order; then each ``[variant_text.KEY]`` (texts formatted from those values)
    and each ``[variant_orders.KEY]`` (a permutation of ``range(n)`` per name; option orders are
    trusted: never written into a student bundle).
    """
    check_assignment_id(assignment_id)
    check_student_id(student_id)
    manifest = load_manifest(assignment_id)
    out: dict = {"assignment": assignment_id, "student": student_id}
    for name, choices in manifest.variant.items():
        value = choices[_index(secret, assignment_id, student_id, name, len(choices))]
        out[name] = list(value) if isinstance(value, tuple) else value
    for key, texts in manifest.variant_text.items():
        out[key] = {name: text.format(**out) for name, text in texts.items()}
    for key, orders in manifest.variant_orders.items():
        out[key] = {name: _permutation(secret, assignment_id, student_id, name, n) for name, n in orders.items()}
    return out


def varying_keys(assignment_id: str) -> tuple[str, ...]:
    """The variant keys that differ between students (orders included)."""
    manifest = load_manifest(check_assignment_id(assignment_id))
    return tuple(k for k, v in manifest.variant.items() if len(v) > 1) + tuple(manifest.variant_orders)


def space_size(assignment_id: str) -> int:
    """How many distinct variants an assignment has."""
    manifest = load_manifest(check_assignment_id(assignment_id))
    size = math.prod(len(v) for v in manifest.variant.values())
    for orders in manifest.variant_orders.values():
        size *= math.prod(math.factorial(n) for n in orders.values())
    return size


def hidden_seed(assignment_id: str, student_id: str, secret: bytes) -> int:
    """Seed (63 bits) of a student's hidden-test inputs. Trusted side only."""
    check_assignment_id(assignment_id)
    check_student_id(student_id)
    d = _digest(secret, "deepgrade/hidden-seed/v1", assignment_id, student_id)
    return int.from_bytes(d[:8], "big") >> 1


def public_seed(assignment_id: str) -> int:
    """Seed (63 bits) of the public self-check inputs: fixed per assignment, needs no secret."""
    check_assignment_id(assignment_id)
    d = hashlib.sha256(f"deepgrade/public-seed/v1\0{assignment_id}".encode()).digest()
    return int.from_bytes(d[:8], "big") >> 1
