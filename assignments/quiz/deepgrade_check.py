"""Self-check for a deepgrade assignment: public checks you can run as often as you like.

In the notebook::

    from deepgrade_check import check
    check("layer_forward")         # one function (or a question, or an answer name)
    check()                        # everything

From a shell: ``python deepgrade_check.py [NOTEBOOK_OR_FOLDER]`` (or ``deepgrade check``); before you submit,
``python deepgrade_check.py --submit FILE`` (or ``check_submission()`` in the notebook) says what the grader
will see in the saved file (see deepgrade_submit.py).

Each check calls YOUR function on fixed public inputs and compares with values computed when the
assignment was generated; backward functions are also compared with a numerical gradient of YOUR
forward function. Passing them is necessary, not sufficient: the grader runs hidden tests on other
inputs, and nothing here is a score. Needs only Python and numpy; reads ``<assignment>_public.json``
next to this file. No POSIX-only code: it runs alike on Windows, macOS and Linux.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
import types
from pathlib import Path

try:
    import numpy as np
except ImportError:  # say it in plain words, in the notebook and in a shell
    raise ImportError("the self-check needs numpy, which is not installed in this Python: "
                      "pip install numpy (in a notebook: %pip install numpy)") from None

try:  # in a student bundle
    from deepgrade_gradcheck import numerical_gradient, rel_error
except ImportError:  # inside the deepgrade repository
    from reference.gradcheck import numerical_gradient, rel_error

HERE = Path(__file__).resolve().parent
SKIP_TAG = "skip-grading"
NOT_SUFFICIENT = ("The grader runs hidden tests on other inputs: passing here is necessary, not sufficient, "
                  "and this is not your score.")
PIP_NAMES = {"sklearn": "scikit-learn"}
GRAD_FLOOR = 1e-3  # gradient entries below 1e-3 of the largest are judged by their absolute difference


class CheckFailed(Exception):
    """One public check failed; the message says what and gives a hint."""


# ---------------------------------------------------------------- public data


def load_public(folder: Path | None = None, assignment: str | None = None, name: str | None = None) -> dict:
    """The ``*_public.json`` beside this file (or in ``folder``, or the working directory).

    Where one folder holds several assignments, ``<assignment>_public.json`` is taken, else the one
    that has a check or question called ``name``.
    """
    places = [folder] if folder is not None else [HERE, Path.cwd()]
    for place in places:
        found = sorted(Path(place).glob("*_public.json"))
        if assignment is not None and Path(place, f"{assignment}_public.json") in found:
            found = [Path(place, f"{assignment}_public.json")]
        publics = [json.loads(p.read_text(encoding="utf-8")) for p in found]
        if name is not None and len(publics) > 1:
            publics = [p for p in publics if name in p["checks"] or name in p.get("questions", {})] or publics
        if publics:
            return publics[0]
    raise FileNotFoundError(f"no *_public.json in {', '.join(str(p) for p in places)}: "
                            "keep the files of your assignment folder together")


def decode(arg, setup_result=None):
    """An argument of a public call, from its JSON form."""
    if not isinstance(arg, dict):
        return arg
    if "array" in arg:
        return np.array(arg["array"], dtype=arg.get("dtype", "float64")).reshape(arg["shape"])
    if "value" in arg:
        return arg["value"]
    if "rng" in arg:
        return np.random.default_rng(arg["rng"])
    if "from_setup" in arg:
        return setup_result[arg["from_setup"]]
    raise ValueError(f"unknown argument form {sorted(arg)}")


def _call(namespace: dict, call: dict, setup_result=None):
    fn = _function(namespace, call["fn"])
    args = [decode(a, setup_result) for a in call.get("args", [])]
    kwargs = {k: decode(a, setup_result) for k, a in call.get("kwargs", {}).items()}
    return fn(*args, **kwargs), args


def _function(namespace: dict, name: str):
    fn = namespace.get(name)
    if fn is None:
        raise CheckFailed(f"{name} is not defined: run the cell that defines it first")
    if not callable(fn):
        raise CheckFailed(f"{name} is a {type(fn).__name__}, not a function")
    return fn


# ---------------------------------------------------------------- comparisons


def _where(index) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ")" if len(index) else "()"


def as_float_array(name: str, value) -> np.ndarray:
    if hasattr(value, "toarray"):  # a scipy sparse matrix
        value = value.toarray()
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{name} is a {type(value).__name__}; expected numbers (an array)") from None
    return arr


def compare_array(name: str, got, expected: np.ndarray, rtol: float, atol: float) -> None:
    got = as_float_array(name, got)
    if got.shape != expected.shape:
        raise CheckFailed(f"{name} has shape {got.shape}; expected {expected.shape}")
    bad = ~np.isfinite(got)
    if bad.any():
        idx = np.argwhere(bad)[0]
        raise CheckFailed(f"{name} has {got[tuple(idx)]} at {_where(idx)} (and {int(bad.sum())} non-finite "
                          "values in all): look for a division by zero or an overflow")
    err = np.abs(got - expected)
    ok = err <= atol + rtol * np.abs(expected)
    if not ok.all():
        idx = np.unravel_index(int(np.argmax(err - rtol * np.abs(expected))), err.shape) if err.ndim else ()
        rel = err / np.maximum(np.abs(expected), 1e-12)
        raise CheckFailed(
            f"{name} differs from the expected values at {int((~ok).sum())} of {ok.size} entries; "
            f"max abs error {err.max():.3g} at {_where(idx)} (yours {got[idx]:.6g}, expected {expected[idx]:.6g}), "
            f"max rel error {rel.max():.3g}"
        )


def compare_value(name: str, got, out: dict) -> None:
    kind = out.get("type", "array")
    expected = decode(out["expect"])
    if kind == "array":
        compare_array(name, got, expected, out.get("rtol", 1e-7), out.get("atol", 1e-9))
    elif kind == "scalar":
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float, np.number)):
            raise CheckFailed(f"{name} is a {type(got).__name__}; expected a number")
        compare_array(name, np.float64(got), np.float64(expected), out.get("rtol", 1e-7), out.get("atol", 1e-9))
    elif kind == "dict":
        if not isinstance(got, dict):
            raise CheckFailed(f"{name} is a {type(got).__name__}; expected a dict")
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        wrong = [k for k in expected if k in got and got[k] != expected[k]]
        if missing or extra or wrong:
            parts = []
            if missing:
                parts.append(f"missing keys {missing[:5]}")
            if extra:
                parts.append(f"unexpected keys {extra[:5]}")
            if wrong:
                parts.append("wrong values " + ", ".join(f"{k!r}: {got[k]!r} (expected {expected[k]!r})"
                                                         for k in wrong[:5]))
            raise CheckFailed(f"{name} ({len(got)} entries; expected {len(expected)}): " + "; ".join(parts))
    else:
        raise ValueError(f"unknown output type {kind!r}")


def _pick(result, index, fn_name: str, n_out: int | None):
    if index is None:
        return result
    if not isinstance(result, tuple):
        raise CheckFailed(f"{fn_name} returned a {type(result).__name__}; expected a tuple of {n_out} values")
    if n_out is not None and len(result) != n_out:
        raise CheckFailed(f"{fn_name} returned {len(result)} values; expected {n_out}")
    return result[index]


# ---------------------------------------------------------------- check kinds


def run_value(namespace: dict, spec: dict) -> None:
    setup_result = None
    if spec.get("setup"):
        setup_result, _ = _call(namespace, spec["setup"])
        if not isinstance(setup_result, tuple):
            raise CheckFailed(f"{spec['setup']['fn']} returned a {type(setup_result).__name__}; "
                              "expected a tuple ending with the cache")
    result, _ = _call(namespace, spec["call"], setup_result)
    for out in spec["outputs"]:
        got = _pick(result, out.get("index"), spec["call"]["fn"], spec.get("n_out"))
        if out.get("attr"):
            if not hasattr(got, out["attr"]):
                raise CheckFailed(f"{spec['call']['fn']} returned a {type(got).__name__} without a field "
                                  f"{out['attr']!r}")
            got = getattr(got, out["attr"])
        compare_value(out["name"], got, out)


def run_gradcheck(namespace: dict, spec: dict) -> None:
    """Compare the student's backward with centred differences of the student's forward."""
    fwd = spec["forward"]
    forward = _function(namespace, fwd["fn"])
    backward = _function(namespace, spec["backward"])
    args = [decode(a) for a in fwd["args"]]
    douts = [decode(d) for d in spec["douts"]]
    n_out = spec["n_out"]

    def outputs(*call_args):
        res = forward(*call_args)
        return [as_float_array("output", _pick(res, i, fwd["fn"], n_out)) for i in spec["outputs"]]

    res = forward(*args)
    cache = _pick(res, spec["cache"], fwd["fn"], n_out)
    grads = backward(*douts, cache)
    for g in spec["grads"]:
        got = grads if g.get("index") is None else _pick(grads, g["index"], spec["backward"], spec.get("n_grads"))
        got = as_float_array(g["name"], got)
        j = g["wrt"]
        x = np.array(args[j], dtype=np.float64)
        if got.shape != x.shape:
            raise CheckFailed(f"{g['name']} from {spec['backward']} has shape {got.shape}; expected {x.shape} "
                              f"(the shape of {fwd['arg_names'][j]})")

        def f(xj, j=j):
            call_args = list(args)
            call_args[j] = xj
            return np.concatenate([o.ravel() for o in outputs(*call_args)])

        df = np.concatenate([np.asarray(d, dtype=np.float64).ravel() for d in douts])
        num = numerical_gradient(f, x, df)
        err = rel_error(got, num, floor=GRAD_FLOOR)
        if not np.all(np.isfinite(got)) or err > spec.get("tol", 1e-6):
            diff = np.abs(got - num)
            idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
            raise CheckFailed(
                f"{g['name']} from {spec['backward']} disagrees with the numerical gradient of your "
                f"{fwd['fn']}: rel error {err:.3g}, max abs difference {diff.max():.3g} at {_where(idx)} "
                f"(yours {got[idx]:.6g}, numerical {num[idx]:.6g})"
            )


def run_drop_mask(namespace: dict, spec: dict) -> None:
    """A random drop mask by its properties: zeros or x / (1 - rate), the drop rate, train=False, the backward.

    ``spec["rate"]`` is the probability of dropping an entry; messages call it ``spec["rate_name"]`` (the
    notebook's own symbol)."""
    forward = _function(namespace, spec["forward"])
    backward = _function(namespace, spec["backward"]) if spec.get("backward") else None
    rate, sym = spec["rate"], spec.get("rate_name", "rate")
    x = decode(spec["x"])
    out, cache = _pick(forward(x, rate, np.random.default_rng(spec["seed"])), slice(None), spec["forward"], 2)
    out = as_float_array("out", out)
    if out.shape != x.shape:
        raise CheckFailed(f"out has shape {out.shape}; expected {x.shape}")
    dropped = out == 0
    scaled = np.isclose(out, x / (1 - rate), rtol=1e-9, atol=0)
    if not np.all(dropped | scaled):
        idx = np.argwhere(~(dropped | scaled))[0]
        raise CheckFailed(f"out at {_where(idx)} is {out[tuple(idx)]:.6g}; expected 0 or x / (1 - {sym}) = "
                          f"{x[tuple(idx)] / (1 - rate):.6g}")
    share, n = dropped.mean(), dropped.size
    sd = np.sqrt(rate * (1 - rate) / n)
    if abs(share - rate) > 5 * sd:
        raise CheckFailed(f"you dropped {share:.3f} of the {n} entries; expected about {sym} = {rate} "
                          f"(within {5 * sd:.3f})")
    out_eval, cache_eval = _pick(forward(x, rate, np.random.default_rng(spec["seed"]), train=False),
                                 slice(None), spec["forward"], 2)
    compare_array("out with train=False", out_eval, x, 0, 0)
    if backward is not None:
        dout = decode(spec["dout"])
        dx = as_float_array("dx", backward(dout, cache))
        compare_array("dx", dx, dout * (~dropped) / (1 - rate), 1e-9, 1e-12)
        compare_array("dx with train=False", backward(dout, cache_eval), dout, 0, 0)


def run_partition(namespace: dict, spec: dict) -> None:
    """Minibatch indices by their properties: every index once, batches of the right sizes."""
    n, size = spec["n"], spec["size"]
    batches, _ = _call(namespace, spec["call"])
    try:
        batches = [np.asarray(b) for b in batches]
    except TypeError:
        raise CheckFailed(f"{spec['call']['fn']} returned a {type(batches).__name__}; expected a list of arrays") from None
    sizes = [b.size for b in batches]
    want = [size] * (n // size) + ([n % size] if n % size else [])
    if sizes != want:
        raise CheckFailed(f"batch sizes are {sizes}; expected {want} for n={n} in batches of {size}")
    for b in batches:
        if b.ndim != 1 or not np.issubdtype(b.dtype, np.integer):
            raise CheckFailed(f"a batch has shape {b.shape} and dtype {b.dtype}; expected 1-d integers")
    joined = np.concatenate(batches) if batches else np.array([], dtype=int)
    if sorted(joined.tolist()) != list(range(n)):
        raise CheckFailed(f"the batches do not hold every index 0..{n - 1} exactly once")
    if np.array_equal(joined, np.arange(n)):
        raise CheckFailed("the indices are in their original order: shuffle them with rng first")


def run_answers(namespace: dict, spec: dict) -> None:
    """Only the format of answers: a number, a letter, a list of letters. Never their correctness."""
    for name, form in spec["blanks"].items():
        if name not in namespace:
            raise CheckFailed(f"{name} is not defined: assign it in the answer cell and run that cell")
        value = namespace[name]
        if value is None:
            raise CheckFailed(f"{name} is still None: replace it by your answer")
        if form == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise CheckFailed(f"{name} is a {type(value).__name__}; expected a number like 0.25")
            if not np.isfinite(value):
                raise CheckFailed(f"{name} is {value}; expected a finite number")
        elif form == "bool":
            if not isinstance(value, bool):
                raise CheckFailed(f"{name} is {value!r}; expected True or False")
        elif form.startswith("letter:"):
            options = form.split(":", 1)[1]
            if not (isinstance(value, str) and len(value) == 1 and value in options):
                raise CheckFailed(f"{name} is {value!r}; expected one letter among {', '.join(options)}")
        elif form.startswith("letters:"):
            options = form.split(":", 1)[1]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v in options for v in value):
                raise CheckFailed(f"{name} is {value!r}; expected a list of letters among {', '.join(options)}")
        else:
            raise ValueError(f"unknown answer form {form!r}")


KINDS = {"value": run_value, "gradcheck": run_gradcheck, "drop_mask": run_drop_mask,
         "partition": run_partition, "answers": run_answers}


# ---------------------------------------------------------------- running


def _caller_namespace() -> dict:
    frame = sys._getframe(2)
    return frame.f_globals


def _stub_name(exc: BaseException, namespace: dict) -> str | None:
    """The notebook function whose body raised ``exc`` (a stub still to write), if there is one."""
    frames = [t for t in traceback.extract_tb(exc.__traceback__) if t.filename != __file__]
    name = frames[-1].name if frames else None
    return name if callable(namespace.get(name)) else None


def run_checks(names: list[str], namespace: dict, public: dict, out=None) -> tuple[int, int]:
    """Run the checks of ``names`` (checks, questions or answers); print one line each."""
    out = out or sys.stdout
    passed = total = 0
    for name in names:
        for spec in public["checks"][name]:
            total += 1
            title = spec.get("title", name)
            try:
                KINDS[spec["kind"]](namespace, spec)
            except NotImplementedError as exc:
                stub = _stub_name(exc, namespace) or name
                needs = "not written yet" if stub == name else f"needs {stub}, which is not written yet"
                print(f"TODO  {title}: {needs} (it raises NotImplementedError)", file=out)
                raise NotImplementedError(f"{stub} is not written yet: fill in its body, run its cell, "
                                          "then run this check again") from None
            except CheckFailed as exc:
                print(f"FAIL  {title}\n      {exc}", file=out)
                if spec.get("hint"):
                    print(f"      hint: {spec['hint']}", file=out)
            except (Exception, SystemExit) as exc:  # the student's code raised (or called sys.exit)
                tb = traceback.extract_tb(exc.__traceback__)
                where = next((f"line {t.lineno} of {t.name}" for t in reversed(tb)
                              if t.filename != __file__ and "deepgrade_gradcheck" not in t.filename), "")
                print(f"FAIL  {title}\n      raised {type(exc).__name__}: {exc}" + (f" ({where})" if where else ""),
                      file=out)
                if spec.get("hint"):
                    print(f"      hint: {spec['hint']}", file=out)
            else:
                passed += 1
                print(f"PASS  {title}", file=out)
    return passed, total


def _expand(public: dict, name: str | None) -> list[str]:
    if name is None:
        return list(public["checks"])
    if name in public["checks"]:
        return [name]
    if name in public.get("questions", {}):
        return list(public["questions"][name])
    known = ", ".join([*public.get("questions", {}), *public["checks"]])
    raise KeyError(f"no public check called {name!r}; known: {known}")


def check(name: str | None = None, namespace: dict | None = None) -> bool:
    """Run the public checks of one function, question or answer (all when ``name`` is None).

    Raises NotImplementedError if a function is still a stub, so "Run all" stops at the first one.
    Returns True when every check passed.
    """
    namespace = namespace if namespace is not None else _caller_namespace()
    public = load_public(name=name)
    passed, total = run_checks(_expand(public, name), namespace, public)
    print(summary(passed, total))
    return passed == total


def summary(passed: int, total: int) -> str:
    """The count of passed public checks, and what it does not mean."""
    if passed < total:
        return (f"{passed}/{total} public checks passed -- fix the first failure first; later ones often "
                f"follow from it. {NOT_SUFFICIENT}")
    return f"{passed}/{total} public checks passed. {NOT_SUFFICIENT}"


def _missing_module(exc: ModuleNotFoundError, assignment: str) -> str:
    name = (exc.name or "").split(".")[0]
    if name.endswith("_given") or name.startswith("deepgrade_"):
        return f"{name}.py is missing: keep the files of your {assignment} bundle together in one folder"
    return f"it needs the package {name}, which is not installed here: pip install {PIP_NAMES.get(name, name)}"


# ---------------------------------------------------------------- a whole file


_MARK = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<meta>.*)$")
_MAGIC = re.compile(r"^\s*[%!]")


def code_cells(path: Path) -> list[tuple[str, list[str]]]:
    """(source, tags) of each code cell of a notebook (.ipynb) or a percent script (.py)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not a notebook: its JSON is broken ({exc})") from None
        if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list) \
                or not all(isinstance(c, dict) for c in nb.get("cells", [])):
            raise ValueError(f"{path} is not a notebook: expected a JSON object with a list of cells")
        cells = []
        for c in nb.get("cells", []):
            if c.get("cell_type") == "code":
                src = c.get("source", "")
                meta = c.get("metadata") if isinstance(c.get("metadata"), dict) else {}
                cells.append(("".join(src) if isinstance(src, list) else str(src), meta.get("tags", [])))
        return cells
    cells, current = [], None
    for line in text.split("\n"):
        m = _MARK.match(line)
        if m:
            if current is not None:
                cells.append(current)
            tags = json.loads(t.group(1)) if (t := re.search(r"tags=(\[[^\]]*\])", m.group("meta"))) else []
            current = None if m.group("md") else ("", tags)
        elif current is not None:
            current = (current[0] + line + "\n", current[1])
    if current is not None:
        cells.append(current)
    return cells or [(text, [])]


def run_file(path: str | Path, out=None) -> bool:
    """Run a notebook's code cells (not those tagged skip-grading), then every public check."""
    out = out or sys.stdout
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    several = sorted(p.name[: -len("_public.json")] for p in folder.glob("*_public.json"))
    if path.is_dir() and len(several) > 1:
        raise ValueError(f"{folder} holds several assignments ({', '.join(several)}): name the notebook to check")
    public = load_public(folder, assignment=None if path.is_dir() else path.stem)
    note = ""
    if path.is_dir():
        stem = public["assignment"]
        found = [p for p in (path / f"{stem}.ipynb", path / f"{stem}.py") if p.exists()]
        if not found:
            raise FileNotFoundError(f"no {stem}.ipynb or {stem}.py in {folder}")
        path = max(found, key=lambda p: p.stat().st_mtime)  # the one you worked in (the notebook on a tie)
        if len(found) == 2:
            note = f" (the more recently saved of {stem}.ipynb and {stem}.py; name a file to check the other)"
    print(f"checking {path}{note}", file=out)
    _use_folder(folder)
    # a real module in sys.modules: dataclasses a notebook defines look their module up there
    module = types.ModuleType("__deepgrade_check__")
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    for i, (source, tags) in enumerate(code_cells(path), 1):
        if SKIP_TAG in tags:
            continue
        source = "\n".join("pass  # " + ln if _MAGIC.match(ln) else ln for ln in source.split("\n"))
        try:
            exec(compile(source, f"<cell {i}>", "exec"), namespace)
        except NotImplementedError:
            pass  # a stub answer cell; its checks will say so
        except ModuleNotFoundError as exc:
            print(f"cell {i}: {_missing_module(exc, public['assignment'])}", file=out)
        except (Exception, SystemExit) as exc:  # a cell's sys.exit() must not end the check as a pass
            print(f"cell {i} raised {type(exc).__name__}: {exc}", file=out)
    passed = total = 0
    for name in public["checks"]:
        try:
            p, t = run_checks([name], namespace, public, out)
        except NotImplementedError:
            p, t = 0, len(public["checks"][name])
        passed, total = passed + p, total + t
    print(summary(passed, total), file=out)
    return passed == total


def _use_folder(folder: Path) -> None:
    """Import the given module of ``folder`` (not one left from another folder or an earlier run)."""
    folder = str(Path(folder).resolve())
    if folder in sys.path:
        sys.path.remove(folder)
    sys.path.insert(0, folder)
    for name in [n for n in sys.modules if n.endswith("_given")]:
        del sys.modules[name]


def check_submission(path=None) -> bool:
    """Before you submit: what will the grader see in the SAVED file (default: this folder's notebook)?"""
    from deepgrade_submit import check_submission_file

    public = load_public()
    a = public["assignment"]
    if path is None:
        path = next((p for p in (HERE / f"{a}.ipynb", HERE / f"{a}.py") if p.exists()), HERE / f"{a}.ipynb")
        print(f"(save the notebook first: this reads {Path(path).name} as it is on disk)")
    return check_submission_file(path, public, HERE)


def _windows() -> bool:
    return os.name == "nt"


def _console() -> None:
    """On Windows a console may not encode every character of a message: replace, never crash."""
    if _windows():
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")


def usage() -> str:
    python = "py" if _windows() else "python3"  # the launcher Windows installs; python3 elsewhere
    return (f"usage: {python} deepgrade_check.py [NOTEBOOK_OR_FOLDER]    run the public checks\n"
            f"       {python} deepgrade_check.py --submit FILE           what the grader will see in FILE")


def main(argv: list[str]) -> int:
    _console()
    sys.path.insert(0, str(HERE))  # deepgrade_submit and deepgrade_gradcheck, wherever we are run from
    try:
        if argv[:1] == ["--submit"]:
            if len(argv) != 2:
                print(usage())
                return 2
            target = Path(argv[1])
            folder = target.resolve().parent
            if not any(folder.glob("*_public.json")):
                folder = HERE
            public = load_public(folder, assignment=target.stem)
            from deepgrade_submit import check_submission_file

            return 0 if check_submission_file(target, public, folder) else 1
        if argv[:1] in (["-h"], ["--help"]) or len(argv) > 1:
            print(usage())
            return 0 if argv[:1] in (["-h"], ["--help"]) else 2
        return 0 if run_file(argv[0] if argv else HERE) else 1
    except (FileNotFoundError, ValueError, KeyError) as exc:
        print(f"cannot check: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
