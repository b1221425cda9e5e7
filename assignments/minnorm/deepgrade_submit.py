"""Pre-submit check: what will the grader see in your file? (``python deepgrade_check.py --submit FILE``)

It reads the saved file the way the grader does and says, one line each, whether it is readable, named as
the grader expects, yours (its header names the student of this folder), defines every graded function
with the expected arguments (and every answer), keeps graded code out of cells tagged skip-grading, and
runs its graded cells without an error in a fresh Python process within the grader's time limits.
It never runs the public checks and says nothing about correctness. Standard library only (and the
numpy your own cells import); no POSIX-only call, so it works on Windows, macOS and Linux alike.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import time
from pathlib import Path

SKIP_TAG = "skip-grading"
MAX_BYTES = 10_000_000  # the grader's size limit of one submission
_MARK = re.compile(r"^#\s?%%(?P<rest>.*)$")
_MAGIC = re.compile(r"^\s*[%!]")
_HEADER = re.compile(r"assignment `(?P<a>[^`]+)` · student `(?P<s>[^`]+)`")


class Unusable(Exception):
    """The grader could not use the file at all; the message says why."""


def read_cells(path: Path) -> tuple[list[tuple[int, str, bool]], dict]:
    """((index, source, skipped) for each code cell, owner {assignment, student}) of a notebook or script."""
    if not path.is_file():
        raise Unusable(f"{path} is not a file (save the notebook first?)")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise Unusable(f"{path.name} is {len(data) / 1e6:.1f} MB; the grader reads at most {MAX_BYTES / 1e6:g} MB "
                       "(clear the outputs: Edit -> Clear All Outputs, then save)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unusable(f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(text)
        except ValueError as exc:
            raise Unusable(f"{path.name} is not a readable notebook: its JSON is broken ({exc})") from None
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or nb.get("nbformat") != 4:
            raise Unusable(f"{path.name} is not a Jupyter notebook of format 4 (open it in Jupyter and save it)")
        cells = []
        for i, c in enumerate(nb["cells"]):
            if isinstance(c, dict) and c.get("cell_type") == "code":
                src = c.get("source", "")
                src = "".join(src) if isinstance(src, list) else str(src)
                tags = (c.get("metadata") or {}).get("tags") or []
                cells.append((i, src, SKIP_TAG in tags))
        meta = (nb.get("metadata") or {}).get("deepgrade") or {}
        return cells, {"assignment": meta.get("assignment"), "student": meta.get("student")}
    chunks: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines(keepends=True):
        m = _MARK.match(line.rstrip("\r\n"))
        if m:
            chunks.append((m.group("rest").strip(), []))
        else:
            chunks[-1][1].append(line)
    cells = [(i, "".join(lines), SKIP_TAG in head and "tags" in head) for i, (head, lines) in enumerate(chunks)
             if not head.startswith(("[markdown]", "[md]")) and "".join(lines).strip()]
    m = _HEADER.search(text)
    return cells, {"assignment": m.group("a") if m else None, "student": m.group("s") if m else None}


def _neutral(source: str) -> str:
    return "\n".join("pass  # " + ln if _MAGIC.match(ln) else ln for ln in source.split("\n"))


def _defined(tree: ast.AST) -> dict[str, ast.AST]:
    """Top-level names a cell binds (functions, assignments, imports)."""
    out: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        out[n.id] = node
    return out


def _is_stub(fn: ast.FunctionDef) -> bool:
    return any(isinstance(s, ast.Raise) and "NotImplementedError" in ast.unparse(s.exc or s) for s in fn.body)


def static_problems(cells, public: dict) -> tuple[list[str], list[str]]:
    """(problems, notes) found without running anything."""
    problems, notes, graded = [], [], {}
    signatures, answers = public.get("signatures", {}), public.get("answers", [])
    wanted = set(signatures) | set(answers)
    for index, source, skipped in cells:
        try:
            tree = ast.parse(_neutral(source))
        except SyntaxError as exc:
            if not skipped:
                problems.append(f"cell {index} has a syntax error on its line {exc.lineno}: {exc.msg} "
                                "(the grader cannot run this cell, so nothing it defines counts)")
            continue
        names = _defined(tree)
        if skipped:
            for name in sorted(set(names) & wanted):
                problems.append(f"cell {index} is tagged skip-grading, so the grader never runs it, but it defines "
                                f"{name}: move that code to the cell of {name}")
        else:
            graded.update(names)
    functions = {n: d for n, d in graded.items() if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for name, params in signatures.items():
        node = graded.get(name)
        if node is None:
            same = [f for f, d in functions.items() if f not in signatures and [a.arg for a in d.args.args] == params]
            hint = f" (renamed? {same[0]} has its arguments)" if same else ""
            problems.append(f"{name} is not defined in a graded cell{hint}: the grader calls it by this name")
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            problems.append(f"{name} is assigned, not defined with def: keep the def {name}(...) of the notebook")
        elif [a.arg for a in node.args.args] != params:
            got = ", ".join(a.arg for a in node.args.args)
            problems.append(f"{name}({got}) has other arguments than the grader passes: expected "
                            f"{name}({', '.join(params)})")
        elif _is_stub(node):
            notes.append(f"{name} still raises NotImplementedError: it will earn no points")
    for name in answers:
        if name not in graded:
            problems.append(f"the answer {name} is not assigned in a graded cell")
    return problems, notes


def _run_child(path: Path, folder: Path, run_s: float) -> list[dict] | str:
    """Run the graded cells of ``path`` in a fresh interpreter; one result per cell, or why it stopped."""
    cmd = [sys.executable, "-X", "utf8", str(Path(__file__).resolve()), "--run-cells", str(path), str(folder)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=run_s + 10, cwd=str(folder))
    except subprocess.TimeoutExpired:
        return f"the graded cells did not finish within {run_s + 10:g} s (the grader allows {run_s:g} s in all)"
    results = [json.loads(line[len("@@deepgrade "):]) for line in done.stdout.splitlines()
               if line.startswith("@@deepgrade ")]
    if done.returncode != 0 and not results:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"the fresh Python process stopped before running your cells ({last})"
    return results


def run_problems(path: Path, folder: Path, limits: dict) -> list[str]:
    cell_s, run_s = limits.get("cell_s", 10.0), limits.get("run_s", 60.0)
    results = _run_child(path, folder, run_s)
    if isinstance(results, str):
        return [results]
    problems = []
    for r in results:
        if r.get("error"):
            problems.append(f"cell {r['index']} raised {r['error']} when run in a fresh process (the grader "
                            "runs the given cells and your answer cells, from the top, and nothing else)")
        elif r["seconds"] > cell_s:
            problems.append(f"cell {r['index']} took {r['seconds']:.1f} s here; the grader stops a cell after "
                            f"{cell_s:g} s")
    total = sum(r["seconds"] for r in results)
    if total > run_s:
        problems.append(f"the graded cells took {total:.1f} s here; the grader allows {run_s:g} s in all")
    return problems


def check_submission_file(path, public: dict, folder: Path, out=None) -> bool:
    """Print what the grader will see in ``path``; True when it found no problem."""
    out = out or sys.stdout
    path = Path(path)
    a, student = public["assignment"], public["student"]
    say = lambda tag, text: print(f"{tag:<8}{text}", file=out)  # noqa: E731
    print(f"pre-submit check of {path.name} (assignment {a}, student {student})", file=out)
    try:
        cells, owner = read_cells(path)
    except Unusable as exc:
        say("PROBLEM", str(exc))
        print("1 problem: the grader could not use this file at all. Fix it before you submit.", file=out)
        return False
    problems = []
    if path.suffix not in (".ipynb", ".py") or path.stem != a:
        problems.append(f"the file is named {path.name}; the grader expects {a}.ipynb (or {a}.py): do not rename it")
    if owner["assignment"] is None:
        problems.append(f"{path.name} has no deepgrade header: start from the {a}.ipynb of your own bundle")
    elif (owner["assignment"], owner["student"]) != (a, student):
        problems.append(f"{path.name} belongs to student {owner['student']} (assignment {owner['assignment']}), "
                        f"not to {student}: submit the notebook of your own bundle")
    graded = sum(1 for _, _, skipped in cells if not skipped)
    say("ok", f"readable: {len(cells)} code cells, {graded} of them graded (the others are tagged {SKIP_TAG})")
    found, notes = static_problems(cells, public)
    problems += found
    if not any("syntax error" in p for p in found):
        problems += run_problems(path, folder, public.get("limits", {}))
    for note in notes:
        say("note", note)
    for p in problems:
        say("PROBLEM", p)
    if problems:
        print(f"{len(problems)} problem(s): fix them, save, and run this check again before you submit.", file=out)
        return False
    print("The grader can read and run this file. That says nothing about correctness: the hidden tests decide "
          "your grade.", file=out)
    return True


def _run_cells(path: Path, folder: Path) -> None:
    """Child side: run the graded cells in order, print one JSON line per cell."""
    sys.path.insert(0, str(folder))
    import types

    module = types.ModuleType("__deepgrade_submission__")
    sys.modules[module.__name__] = module
    cells, _ = read_cells(path)
    for index, source, skipped in cells:
        if skipped:
            continue
        start, error = time.perf_counter(), None
        try:
            exec(compile(_neutral(source), f"<cell {index}>", "exec"), module.__dict__)
        except NotImplementedError:
            error = "NotImplementedError (a blank not filled in yet: write it and delete the raise line)"
        except (Exception, SystemExit) as exc:
            message = str(exc).strip().splitlines()
            error = (f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__)[:300]
        print("@@deepgrade " + json.dumps({"index": index, "error": error,
                                           "seconds": round(time.perf_counter() - start, 3)}), flush=True)


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--run-cells":
    _run_cells(Path(sys.argv[2]), Path(sys.argv[3]))
