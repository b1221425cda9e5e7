"""Turn a notebook cell into plain Python in which no IPython magic or shell escape can run.

IPython's own input transformers (``TransformerManager``) rewrite ``%magic``,
``!shell``, ``x = !ls`` and ``obj?`` into calls of ``get_ipython()``; every such
call (and any the student wrote by hand) is then replaced by ``None``, keeping
line numbers, so tracebacks still point at the student's lines. Two harmless
magics keep their Python: ``%time stmt`` runs ``stmt``, and the bodies of
``%%time`` and ``%%capture`` cells run as plain code. Any other cell magic
(``%%bash``, ``%%writefile``, ``%%script``...) empties its cell.
"""

from __future__ import annotations

import ast

PYTHON_CELL_MAGICS = frozenset({"time", "capture"})
RUN_LINE_MAGICS = frozenset({"time"})

_manager = None


def _transform(source: str) -> str:
    global _manager
    if _manager is None:
        from IPython.core.inputtransformer2 import TransformerManager

        _manager = TransformerManager()
    return _manager.transform_cell(source)


def _is_ipython_call(node: ast.AST) -> bool:
    """``get_ipython().<anything>(...)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "get_ipython"
    )


def _kept_statement(call: ast.Call) -> str | None:
    """The statement of ``%time stmt`` when it is plain Python on one line."""
    if call.func.attr != "run_line_magic" or len(call.args) != 2:
        return None
    name, arg = call.args
    if not (isinstance(name, ast.Constant) and name.value in RUN_LINE_MAGICS):
        return None
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) or "\n" in arg.value:
        return None
    try:
        ast.parse(arg.value)
    except SyntaxError:
        return None
    return arg.value


def _strip_ipython_calls(source: str, tree: ast.AST, original: str) -> tuple[str, list[str]]:
    """Replace every ``get_ipython()...`` call by ``None`` (or the kept statement)."""
    statements = {id(s.value) for s in ast.walk(tree) if isinstance(s, ast.Expr)}
    calls, stack = [], [tree]
    while stack:
        node = stack.pop()
        if _is_ipython_call(node):
            calls.append(node)
            continue
        stack.extend(ast.iter_child_nodes(node))
    if not calls:
        return source, []
    data = source.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    shown = original.split("\n")
    notes, edits = [], []
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        kept = _kept_statement(call) if id(call) in statements else None
        start = starts[call.lineno - 1] + call.col_offset
        end = starts[call.end_lineno - 1] + call.end_col_offset
        extra = call.end_lineno - call.lineno
        text = kept if kept is not None else ("None" if extra == 0 else "(None" + "\n" * extra + ")")
        edits.append((start, end, text))
        line = shown[call.lineno - 1].strip() if call.lineno <= len(shown) else ""
        what = "ran its statement only" if kept is not None else "not run"
        notes.append(f"line {call.lineno}: IPython magic or shell command {what}: {line[:80]}")
    for start, end, text in sorted(edits, reverse=True):
        data = data[:start] + text.encode() + data[end:]
    return data.decode(), notes


def neutralize(source: str) -> tuple[str, list[str]]:
    """(plain Python source, notes on what was neutralized) for one notebook cell."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        tree = None  # not plain Python: let IPython's transformers look at it
    if tree is not None:
        return _strip_ipython_calls(source, tree, source) if "get_ipython" in source else (source, [])
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].strip()[2:].split(maxsplit=1)
        name = magic[0] if magic else ""
        if name not in PYTHON_CELL_MAGICS:
            return "", [f"cell magic %%{name} not run (the whole cell was skipped)"]
        body, notes = neutralize("\n".join(lines[:first] + [""] + lines[first + 1 :]))
        return body, [f"cell magic %%{name} ignored; its body ran as plain Python", *notes]
    lead = len(lines) if first is None else first  # IPython drops leading blank lines; keep numbering
    try:
        transformed = "\n" * lead + _transform("\n".join(lines[lead:]))
        if not source.endswith("\n") and transformed.endswith("\n"):
            transformed = transformed[:-1]  # IPython adds a final newline; keep the line count
    except ImportError:
        return source, ["IPython is not installed, so this cell's magics could not be neutralized; it will not run"]
    except Exception as exc:  # IPython could not make sense of it; the child reports the SyntaxError
        return source, [f"IPython could not transform this cell ({type(exc).__name__})"]
    try:
        tree = ast.parse(transformed)
    except (SyntaxError, ValueError):
        return transformed, []  # still not Python: compiling it fails in the child, so nothing runs
    return _strip_ipython_calls(transformed, tree, source)
