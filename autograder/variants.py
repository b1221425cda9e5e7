"""Per-student variants, derived from (course secret, assignment id, student id) by HMAC-SHA256.

Three derivations, each with its own label so knowing one tells nothing about another:

- ``variant(a, s, secret)``: the parameters a student sees in their notebook (e.g. the RNN's activation);
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

from autograder.manifest import check_assignment_id

DEMO_SECRET = b"deepgrade-public-demo-secret: anyone can rebuild these variants; never use it for a course"
SECRET_ENV = "DEEPGRADE_SECRET"

_STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")  # used with fullmatch: "$" would admit a final "\n"


def _grid(lo: float, hi: float, step: float, skip_zero: bool = False) -> tuple[float, ...]:
    n = round((hi - lo) / step)
    vals = (round(lo + i * step, 4) for i in range(n + 1))
    return tuple(v for v in vals if not (skip_zero and v == 0))


# Concept questions of the quiz, in notebook order; each has N_OPTIONS options (templates/quiz/concepts.toml).
CONCEPTS = ("concept_bow_loses", "concept_rnn_vs_bow", "concept_snr", "concept_double_descent",
            "concept_saddle")
N_OPTIONS = 4

# The values each parameter may take, per assignment (a parameter with one value does not vary). Every
# assignment has at least ~1e5 variants, so 50 students are pairwise distinct with probability > 98%
# (the birthday bound 1 - 50 * 49 / (2 * size)); every parameter is one the student sees and uses: a model
# setting, or a size of the public checks and demonstrations stated in the notebook's variant table.
SPACES: dict[str, dict[str, tuple]] = {
    "bow": {  # words of the toy corpus (autograder/generate/toy_corpus.py), which has 62 distinct words
        "vocab_size": tuple(range(20, 61)),
        "negator": ("not", "never", "hardly"),
        "adjective": ("good", "great", "fun", "moving", "clever", "funny", "charming", "superb",
                      "bad", "dull", "boring", "awful", "clumsy", "tedious", "weak", "bland"),
        "extra_word": ("movie", "film", "plot", "acting", "story", "cast", "script", "ending", "music", "scene",
                       "director", "pace", "dialogue", "camera", "villain", "soundtrack", "sequel", "budget",
                       "cameo", "costumes", "subtitles", "popcorn",  # in the corpus; the rest are not
                       "ticket", "trailer", "poster", "theater", "critic", "audience"),
        "check_max_words": (3, 4, 5, 6, 7),  # max_words of the public check on 9 short documents
    },
    "rnn": {
        "activation": ("tanh", "relu"),
        "N": tuple(range(2, 9)), "L": tuple(range(3, 10)), "p": tuple(range(2, 9)), "K": tuple(range(3, 10)),
        "V": tuple(range(6, 13)), "m": tuple(range(2, 7)),  # the embedding check: V words, m dimensions
    },
    "lstm": {
        "N": tuple(range(2, 9)), "L": tuple(range(3, 10)), "p": tuple(range(2, 9)), "K": tuple(range(2, 9)),
        "demo_L": tuple(range(25, 61, 5)),  # sequence length of the long-sequence demonstration
        "forget_bias": _grid(2.0, 4.0, 0.25),  # the demonstration's open forget gate: b_f = +forget_bias
    },
    "ar": {
        "L": (3, 4, 5, 6, 7),
        "features": (
            ("log_volume",),
            ("DJ_return", "log_volume"),
            ("log_volume", "log_volatility"),
            ("DJ_return", "log_volume", "log_volatility"),
        ),
        "day_of_week": (False, True),
        "T": tuple(range(12, 31)), "p": (2, 3, 4, 5),  # the toy series (T, p) of the lag-tensor checks
        "N": tuple(range(12, 31)), "q": (3, 4, 5, 6),  # the design matrix (N, q) of the OLS and R^2 checks
    },
    "sgd": {
        "rho": _grid(0.01, 0.08, 0.002),
        "batch_size": tuple(range(4, 65, 2)),
        "patience": tuple(range(2, 11)),
        "N": tuple(range(80, 201, 10)), "q": (3, 4, 5, 6),  # the least-squares problem of the sgd check
    },
    "dropout": {
        "phi": _grid(0.05, 0.6, 0.01),
        "N": tuple(range(100, 301, 10)), "p": tuple(range(20, 61, 2)),  # the input (N, p) of the checks
        "units": tuple(range(3, 9)),  # units of the expected-value demonstration
    },
    "quiz": {
        "x": _grid(-2.0, 2.0, 0.1, skip_zero=True),
        "y": _grid(-1.0, 2.0, 0.1),
        "w": _grid(-1.5, 1.5, 0.1, skip_zero=True),
        "beta": _grid(-1.5, 1.5, 0.1, skip_zero=True),
        "rho": (0.1, 0.2, 0.25, 0.5),
    },
}


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

    Always has ``"assignment"`` and ``"student"``; then the keys of ``SPACES[assignment_id]``; bow adds
    ``"probes"`` (four sentences A-D, see ``bow_probes``); the quiz adds ``"option_order"``: for each concept question, the bank's option indices in display order
    (trusted: never written into a student bundle).
    """
    check_assignment_id(assignment_id)
    check_student_id(student_id)
    out: dict = {"assignment": assignment_id, "student": student_id}
    for name, choices in SPACES[assignment_id].items():
        value = choices[_index(secret, assignment_id, student_id, name, len(choices))]
        out[name] = list(value) if isinstance(value, tuple) else value
    if assignment_id == "bow":
        out["probes"] = bow_probes(out["negator"], out["adjective"], out["extra_word"])
    if assignment_id == "quiz":
        out["option_order"] = {
            c: _permutation(secret, assignment_id, student_id, c, N_OPTIONS) for c in CONCEPTS
        }
    return out


def bow_probes(negator: str, adjective: str, extra_word: str) -> dict[str, str]:
    """The bow variant's probe sentences: B reorders A, C repeats a word, D adds ``extra_word``."""
    return {"A": f"{negator} {adjective}", "B": f"{adjective} {negator}",
            "C": f"{negator} {adjective} {adjective}", "D": f"{negator} {adjective} {extra_word}"}


def varying_keys(assignment_id: str) -> tuple[str, ...]:
    """The variant keys that differ between students (the quiz's option order included)."""
    keys = tuple(k for k, v in SPACES[check_assignment_id(assignment_id)].items() if len(v) > 1)
    return keys + (("option_order",) if assignment_id == "quiz" else ())


def space_size(assignment_id: str) -> int:
    """How many distinct variants an assignment has."""
    size = math.prod(len(v) for v in SPACES[check_assignment_id(assignment_id)].values())
    if assignment_id == "quiz":
        size *= math.factorial(N_OPTIONS) ** len(CONCEPTS)
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
