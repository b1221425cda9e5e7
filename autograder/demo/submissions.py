"""The demo class's submissions: a solution, a blank, a partly wrong one and a hostile one.

Every submission is a generated notebook (``autograder.generate``) with at most one cell added:

* ``solution``: the solution version, as generated;
* ``blank``: the student version, handed in untouched;
* ``partly wrong``: the solution plus a last cell that wraps one function so its result is a little
  off (or changes one numeric answer), as if the student broke it while tidying up; the folder's ``demo.py``
  may name which (``BREAK``), else the engine picks (:func:`broken_name`);
* ``hostile``: the student version plus an attack from :data:`ATTACKS`, the one its folder's ``demo.py``
  names (``HOSTILE``), a different one per assignment. Each would gain points or hurt the grader if isolation failed; graded, it earns
  nothing beyond what the blank earns, and the other students' grades are unchanged.
"""

from __future__ import annotations

import json
import textwrap

from autograder.folders import assignment_file, assignment_module
from autograder.manifest import Manifest

ROLES = ("solution", "blank", "partly wrong", "hostile")

_PERTURB = '''
import dataclasses as _dc

import numpy as _np


def _demo_perturb(value):
    """A result that is a little off: the first float array or number scaled, a dict missing a key."""
    if _dc.is_dataclass(value) and not isinstance(value, type):
        first = _dc.fields(value)[0].name
        return _dc.replace(value, **{first: _demo_perturb(getattr(value, first))})
    if isinstance(value, tuple) and value:
        return (_demo_perturb(value[0]),) + tuple(value[1:])
    if isinstance(value, list) and value:
        return [_demo_perturb(value[0])] + list(value[1:])
    if isinstance(value, dict) and value:
        return dict(list(value.items())[1:])
    if isinstance(value, _np.ndarray):
        return value * 1.1 + 0.01 if value.dtype.kind == "f" else value[::-1].copy()
    if isinstance(value, float):
        return value * 1.1 + 0.01
    if hasattr(value, "tocsr"):  # a scipy.sparse matrix
        return value * 1.1
    return value
'''

ATTACKS = {
    "snoop": '''
        # Look for the answer key: import the reference, read the grader's files and secrets.
        import glob, os
        try:
            import reference, importlib, pkgutil
            for _m in pkgutil.iter_modules(reference.__path__):
                globals().update(vars(importlib.import_module("reference." + _m.name)))
            print("got the reference implementation!")
        except Exception as _e:
            print("no reference:", type(_e).__name__)
        for _pattern in ("/work/*/templates/*/suite.py", os.path.expanduser("~/*"), "../*"):
            print(_pattern, "->", glob.glob(_pattern)[:3])
        print("secret:", os.environ.get("DEEPGRADE_SECRET"))
        import numpy as np
        np.allclose = lambda *a, **k: True            # make every comparison pass
        np.testing.assert_allclose = lambda *a, **k: None
        print("All hidden tests passed. Score: 100 / 100")
    ''',
    "exit": '''
        # Leave before anything can be graded.
        import os
        os._exit(0)
    ''',
    "loop": '''
        # Never finish.
        while True:
            pass
    ''',
    "memory": '''
        # Allocate without bound.
        _hoard = [bytearray(256 << 20) for _ in range(12)]  # 3 GB; the sandbox allows 2
    ''',
    "flood": '''
        # Write a fake results file, ignore signals and flood the output.
        import json, signal
        for _sig in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT):
            signal.signal(_sig, signal.SIG_IGN)
        for _path in ("results.json", "/tmp/results.json"):
            try:
                with open(_path, "w") as _fh:
                    json.dump({"score": 100, "max_score": 100}, _fh)
            except OSError as _e:
                print("cannot write", _path, _e)
        while True:
            print("PASSED " * 1000)
    ''',
    "sys_exit": '''
        # Stop the interpreter politely.
        import sys
        sys.exit(0)
    ''',
    "liar": '''
        # Return objects that claim to equal anything.
        class _Liar(float):
            def __eq__(self, other):
                return True
            __ne__ = lambda self, other: False
            __hash__ = float.__hash__
            def __array__(self, *a, **k):
                raise RuntimeError("no")

        class _Anything:
            def __eq__(self, other):
                return True
            def __getattr__(self, name):
                return self
            def __call__(self, *args, **kwargs):
                return self
    ''',
}
DEFAULT_ATTACK = "snoop"
DEMO_FILE = "demo"  # <id>/demo.py: HOSTILE names the attack of the assignment's hostile submission


def attack_for(manifest: Manifest) -> str:
    """The attack of the assignment's hostile submission: ``HOSTILE`` in its folder's ``demo.py`` (one of
    :data:`ATTACKS`), else :data:`DEFAULT_ATTACK`."""
    kind = DEFAULT_ATTACK
    if assignment_file(manifest.id, DEMO_FILE + ".py"):
        kind = getattr(assignment_module(manifest.id, DEMO_FILE), "HOSTILE", DEFAULT_ATTACK)
    if kind not in ATTACKS:
        raise ValueError(f"{manifest.id}/demo.py: HOSTILE is {kind!r}; expected one of {', '.join(ATTACKS)}")
    return kind


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "id": "deepgrade-demo", "metadata": {}, "outputs": [],
            "execution_count": None, "source": source}  # fmt: skip


def _with_cell(raw: bytes, source: str, *, first: bool) -> bytes:
    nb = json.loads(raw)
    cell = _code_cell(source.strip() + "\n")
    if first:
        nb["cells"].insert(0, cell)
    else:
        nb["cells"].append(cell)
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


BREAK = "BREAK"  # <id>/demo.py: the function or blank the partly wrong submission breaks (optional)


def broken_function(manifest: Manifest) -> str | None:
    """The function the engine's partly wrong submission breaks by default: the first of the last question
    that has functions (so earlier questions keep their points). None when the assignment has none."""
    for q in reversed(manifest.questions):
        if q.functions:
            return q.functions[0]
    return None


def broken_name(manifest: Manifest) -> str:
    """The function or blank the partly wrong submission breaks: ``BREAK`` in the folder's ``demo.py``, else
    :func:`broken_function`, else the first blank. Its question is the one that submission must lose
    points on, and only there (``deepgrade validate`` checks it)."""
    name = None
    if assignment_file(manifest.id, DEMO_FILE + ".py"):
        name = getattr(assignment_module(manifest.id, DEMO_FILE), BREAK, None)
    name = name or broken_function(manifest) or manifest.questions[0].blanks[0]
    if name not in manifest.functions and name not in manifest.blanks:
        raise ValueError(f"{manifest.id}/demo.py: {BREAK} is {name!r}; expected a function or blank of the manifest")
    return name


def partly_wrong(solution: bytes, manifest: Manifest) -> bytes:
    """The solution notebook with one function (or one numeric answer) made wrong: :func:`broken_name`."""
    fn = broken_name(manifest)
    if fn in manifest.blanks:
        source = f"# deepgrade demo: a wrong answer on purpose\n{fn} = {fn} + 1.0\n"
    else:
        source = (
            f"# deepgrade demo: {fn} is broken on purpose (its result is a little off)\n"
            + _PERTURB
            + f"\n_demo_right_{fn} = {fn}\n\n\ndef {fn}(*args, **kwargs):\n"
            + f"    return _demo_perturb(_demo_right_{fn}(*args, **kwargs))\n"
        )
    return _with_cell(solution, source, first=False)


def hostile(blank: bytes, manifest: Manifest) -> bytes:
    """The blank notebook plus the attack the assignment's folder names (:func:`attack_for`)."""
    kind = attack_for(manifest)
    source = f"# deepgrade demo: a hostile submission ({kind})\n" + textwrap.dedent(ATTACKS[kind])
    if kind != "liar":
        return _with_cell(blank, source, first=True)
    # the liar overrides every function and answer after the stubs are defined
    source += "\n" + "".join(f"{fn} = _Anything()\n" for fn in manifest.functions)
    source += "".join(f"{b} = _Liar(0.5)\n" for b in manifest.blanks)
    return _with_cell(blank, source, first=False)


def make(role: str, solution: bytes, blank: bytes, manifest: Manifest) -> bytes:
    """The notebook a demo student with ``role`` hands in."""
    if role == "solution":
        return solution
    if role == "blank":
        return blank
    if role == "partly wrong":
        return partly_wrong(solution, manifest)
    if role == "hostile":
        return hostile(blank, manifest)
    raise ValueError(f"role must be one of {ROLES}; got {role!r}")
