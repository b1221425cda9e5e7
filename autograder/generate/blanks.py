"""A reference function as a blank: its signature and docstring, then its body between markers.

    ### BEGIN SOLUTION
    ...the reference body...
    ### END SOLUTION

``clear_solutions`` later turns the marked part into ``# YOUR CODE HERE`` and
``raise NotImplementedError()`` for students; the solution version just loses the marker lines.

A parameter the variant fixes (e.g. a nonlinearity the variant chooses) leaves the signature and the docstring's
Inputs; the solution binds it as its first statement, and calls to other fixed functions in the
body drop that argument too, so solution functions call each other with the students' signatures.
"""

from __future__ import annotations

import ast
import json
import textwrap

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


def _offsets(lines: list[str]) -> list[int]:
    out, pos = [], 0
    for line in lines:
        out.append(pos)
        pos += len(line) + 1
    return out


def _drop_fixed_args(source: str, fixed: dict[str, tuple[str, ...]], params: dict[str, list[str]]) -> str:
    """Remove arguments bound by the variant from calls to fixed functions in ``source``."""
    tree = ast.parse(source)
    lines = source.split("\n")
    starts = _offsets(lines)

    def pos(line: int, col: int) -> int:
        return starts[line - 1] + col

    cuts: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in fixed):
            continue
        gone = fixed[node.func.id]
        names = params[node.func.id]
        items = [(names[i] if i < len(names) else None, a) for i, a in enumerate(node.args)]
        items += [(k.arg, k) for k in node.keywords]
        for i, (name, arg) in enumerate(items):
            if name not in gone:
                continue
            if i > 0:  # cut from the end of the previous argument
                prev = items[i - 1][1]
                cuts.append((pos(prev.end_lineno, prev.end_col_offset), pos(arg.end_lineno, arg.end_col_offset)))
            else:  # cut up to the start of the next one
                nxt = items[1][1] if len(items) > 1 else None
                end = pos(nxt.lineno, nxt.col_offset) if nxt else pos(arg.end_lineno, arg.end_col_offset)
                cuts.append((pos(arg.lineno, arg.col_offset), end))
    for a, b in sorted(cuts, reverse=True):
        source = source[:a] + source[b:]
    return source


def _signature_without(node: ast.FunctionDef, gone: tuple[str, ...]) -> str:
    args = node.args
    n_pos = len(args.args)
    defaults = [None] * (n_pos - len(args.defaults)) + list(args.defaults)
    keep = [(a, d) for a, d in zip(args.args, defaults) if a.arg not in gone]
    new = ast.arguments(
        posonlyargs=[], args=[a for a, _ in keep], vararg=args.vararg,
        kwonlyargs=[a for a in args.kwonlyargs if a.arg not in gone],
        kw_defaults=[d for a, d in zip(args.kwonlyargs, args.kw_defaults) if a.arg not in gone],
        kwarg=args.kwarg, defaults=[d for _, d in keep if d is not None],
    )
    return f"def {node.name}({ast.unparse(new)}):"


def _docstring_without(doc_lines: list[str], gone: tuple[str, ...], bound: dict[str, object]) -> list[str]:
    out: list[str] = []
    skipping = None
    for line in doc_lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if skipping is not None:
            if stripped and indent > skipping and not stripped.startswith("- "):
                continue
            skipping = None
        if any(stripped.startswith(f"- {p}:") for p in gone):
            skipping = indent
            continue
        out.append(line)
    if gone:
        pad = " " * (len(doc_lines[0]) - len(doc_lines[0].lstrip()))
        note = ", ".join(f"{p} = {literal(bound[p])}" for p in gone)
        first_end = 1 if len(out) > 1 else len(out)
        out[first_end:first_end] = ["", f"{pad}Your variant fixes {note}: it is not an argument."]
        if out[0].rstrip().endswith('"""') and out[0].count('"""') == 2:  # one-line docstring
            head = out[0].rstrip()[:-3]
            out = [head] + out[1:] + [f'{pad}"""']
    return out


def literal(value) -> str:
    """Python source for a plain value, strings in double quotes."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def function_parameters(source: str) -> list[str]:
    node = ast.parse(source).body[0]
    return [a.arg for a in node.args.args]


def render_function(source: str, fixed: dict[str, tuple[str, ...]], bound: dict[str, object],
                    params: dict[str, list[str]]) -> str:
    """The function in ``source`` with its body between solution markers.

    - fixed: function name -> parameters the variant removes (for this and the functions it calls)
    - bound: parameter -> value the variant gives it
    - params: function name -> its reference parameter names (to drop positional arguments)
    """
    source = textwrap.dedent(source)
    node = ast.parse(source).body[0]
    if not isinstance(node, ast.FunctionDef):
        raise ValueError(f"expected a function, got {type(node).__name__}")
    lines = source.split("\n")
    body = node.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
        and isinstance(body[0].value.value, str)
    if not has_doc or len(body) < 2:
        raise ValueError(f"{node.name} needs a docstring and a body to become a blank")
    header = lines[: body[0].lineno - 1]
    doc = lines[body[0].lineno - 1: body[0].end_lineno]
    rest = "\n".join(lines[body[0].end_lineno:]).rstrip("\n")
    indent = " " * body[1].col_offset
    gone = fixed.get(node.name, ())
    if gone:
        header = [_signature_without(node, gone)]
        doc = _docstring_without(doc, gone, bound)
        bind = [f"{indent}{p} = {literal(bound[p])}  # fixed by your variant" for p in gone]
        rest = "\n".join(bind) + "\n" + rest
    if any(name in rest for name in fixed):
        rest = _drop_fixed_args(textwrap.dedent(rest), fixed, params)
        rest = textwrap.indent(rest, indent, lambda s: s.strip() != "")
    return "\n".join([*header, *doc, f"{indent}{BEGIN}", rest, f"{indent}{END}"])
