"""A planted corpus for the similarity report: 20 independent correct `ar` solutions, 5 planted copies
and 3 blanks, as notebooks built from the real student template.

Each independent solution picks one of five hand-written styles for each of the four functions by a
Latin square (solution 5a + b takes style (b + f*a) mod 5 for function f), so two independent
solutions share at most one function's style -- as real classmates share an idiom or two. The
planted copies change what copying students change: names, the order of functions, comments (one
adds dead code); the fifth does all three at once.
"""

from __future__ import annotations

import json
import re
from functools import cache

from autograder.generate.bundle import build_bundle
from autograder.variants import DEMO_SECRET

FUNCTIONS = ("lag_tensor", "ar_design_matrix", "fit_ols", "r_squared")
STYLES = {
    "lag_tensor": [
        "T = data.shape[0]\nreturn np.stack([data[j:T - L + j] for j in range(L)], axis=1)",
        "n_rows = len(data) - L\nZ = np.empty((n_rows, L, data.shape[1]))\nfor lag in range(L):\n"
        "    Z[:, lag, :] = data[lag:lag + n_rows]\nreturn Z",
        "from numpy.lib.stride_tricks import sliding_window_view\nwindows = sliding_window_view(data, L, axis=0)[:-1]\n"
        "return np.transpose(windows, (0, 2, 1)).copy()",
        "idx = np.arange(L)[None, :] + np.arange(data.shape[0] - L)[:, None]\nreturn data[idx]",
        "out = []\nfor ell in range(L):\n    out.append(data[ell:len(data) - L + ell][:, None, :])\n"
        "return np.concatenate(out, axis=1)",
    ],
    "ar_design_matrix": [
        "Z = lag_tensor(data, L)\nreturn np.column_stack([np.ones(len(Z)), Z.reshape(len(Z), -1)])",
        "Z = lag_tensor(data, L)\nn = Z.shape[0]\nX = np.ones((n, 1 + Z.shape[1] * Z.shape[2]))\n"
        "X[:, 1:] = Z.reshape(n, -1)\nreturn X",
        "rows = data.shape[0] - L\ncols = [np.ones((rows, 1))]\nfor k in range(L):\n    cols.append(data[k:k + rows])\n"
        "return np.hstack(cols)",
        "flat = lag_tensor(data, L).reshape(data.shape[0] - L, L * data.shape[1])\n"
        "intercept = np.ones((flat.shape[0], 1), dtype=flat.dtype)\nreturn np.concatenate((intercept, flat), axis=1)",
        "Z = lag_tensor(data, L)\nreturn np.insert(Z.reshape(Z.shape[0], -1), 0, 1.0, axis=1)",
    ],
    "fit_ols": [
        "beta, *_ = np.linalg.lstsq(X, y, rcond=None)\nreturn beta",
        "return np.linalg.pinv(X) @ y",
        "solution = np.linalg.lstsq(X, y, rcond=None)\ncoefficients = solution[0]\nreturn coefficients",
        "import scipy.linalg\nb, res, rank, sv = scipy.linalg.lstsq(X, y)\nreturn b",
        "Q, R = np.linalg.qr(X)\nreturn np.linalg.solve(R, Q.T @ y)",
    ],
    "r_squared": [
        "rss = np.sum((y - yhat) ** 2)\ntss = np.sum((y - np.mean(y)) ** 2)\nreturn 1 - rss / tss",
        "resid = y - yhat\ncentered = y - y.mean()\nreturn float(1.0 - resid @ resid / (centered @ centered))",
        "return 1 - ((y - yhat) ** 2).sum() / ((y - y.mean()) ** 2).sum()",
        "ss_res = 0.0\nss_tot = 0.0\nmu = sum(y) / len(y)\nfor a, b in zip(y, yhat):\n    ss_res += (a - b) ** 2\n"
        "    ss_tot += (a - mu) ** 2\nreturn 1.0 - ss_res / ss_tot",
        "var_y = np.var(y)\nmse = np.mean(np.square(y - yhat))\nreturn 1.0 - mse / var_y",
    ],
}
RENAMES = {"Z": "lagged", "T": "n_days", "n_rows": "m", "lag": "step", "windows": "win", "idx": "index",
           "out": "parts", "ell": "j", "n": "rows_count", "X": "X", "rows": "nr", "cols": "blocks",
           "flat": "flattened", "intercept": "ones_col", "beta": "coef", "solution": "sol",
           "coefficients": "w", "rss": "sse", "tss": "sst", "resid": "r", "centered": "c", "mu": "ybar",
           "ss_res": "num", "ss_tot": "den", "var_y": "v", "mse": "err"}
PLANTS = ("renamed", "reordered", "recommented", "dead_code", "everything")
SOURCES = (0, 6, 12, 18, 3)  # which independent solution each plant copies


def style_of(i: int, f: int) -> int:
    a, b = divmod(i, 5)
    return (b + f * a) % 5


def body(fn: str, style: int) -> str:
    return STYLES[fn][style]


def _rename(code: str) -> str:
    return re.sub(r"\b(" + "|".join(sorted(RENAMES, key=len, reverse=True)) + r")\b",
                  lambda m: RENAMES[m.group(1)], code)


def _comments(code: str) -> str:
    lines = code.split("\n")
    return "\n".join(f"# step {k}: keep going\n{ln}" if not ln.startswith(" ") else ln for k, ln in enumerate(lines))


def _dead(code: str) -> str:
    lead = "debug_shapes = []\nif False:\n    print('never runs', debug_shapes)\nunused = np.zeros(3) + 1\n"
    return lead + code


@cache
def _template() -> bytes:
    return build_bundle("ar", "corpus-template", DEMO_SECRET).files["ar.ipynb"]


def template_cells() -> list[dict]:
    return json.loads(_template())["cells"]


def notebook(bodies: dict[str, str], order=FUNCTIONS, answer: str = "test_r2 = 0.4129") -> bytes:
    """The template notebook with each function's blank replaced by ``bodies[fn]`` (cells in ``order``)."""
    cells = template_cells()
    fn_cells = {}
    for c in cells:
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        m = re.match(r"def (\w+)\(", src)
        if c["cell_type"] == "code" and m and m.group(1) in bodies:
            indented = "\n".join("    " + ln if ln else ln for ln in bodies[m.group(1)].split("\n"))
            c["source"] = src.replace("    # YOUR CODE HERE\n    raise NotImplementedError()", indented)
            fn_cells[m.group(1)] = c
        elif c["cell_type"] == "code" and src.startswith("# Replace each None") and answer:
            c["source"] = answer + "\n"
    slots = [i for i, c in enumerate(cells) if any(c is fc for fc in fn_cells.values())]
    for slot, fn in zip(slots, [f for f in order if f in fn_cells]):
        cells[slot] = fn_cells[fn]
    nb = json.loads(_template())
    nb["cells"] = cells
    return json.dumps(nb).encode()


def independent(i: int) -> dict[str, str]:
    return {fn: body(fn, style_of(i, f)) for f, fn in enumerate(FUNCTIONS)}


def planted(kind: str, source: int) -> tuple[dict[str, str], tuple[str, ...]]:
    bodies, order = independent(source), FUNCTIONS
    if kind in ("renamed", "everything"):
        bodies = {fn: _rename(b) for fn, b in bodies.items()}
    if kind in ("reordered", "everything"):
        order = ("r_squared", "fit_ols", "lag_tensor", "ar_design_matrix")
    if kind in ("recommented", "everything"):
        bodies = {fn: _comments(b) for fn, b in bodies.items()}
    if kind == "dead_code":
        bodies = {fn: _dead(b) for fn, b in bodies.items()}
    return bodies, order


def write_corpus(folder) -> dict:
    """Write the corpus into ``folder``; return {"planted": [(copy, original)], "blanks": [...], "independent": [...]}."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"s{i:02d}" for i in range(20)]
    for i, name in enumerate(names):
        (folder / f"{name}.ipynb").write_bytes(notebook(independent(i), answer=f"test_r2 = 0.41{i:02d}"))
    pairs = []
    for kind, src in zip(PLANTS, SOURCES):
        bodies, order = planted(kind, src)
        (folder / f"copy-{kind}.ipynb").write_bytes(notebook(bodies, order))
        pairs.append((f"copy-{kind}", names[src]))
    blank = notebook({})
    (folder / "blank1.ipynb").write_bytes(blank)
    (folder / "blank2.ipynb").write_bytes(blank)
    touched = notebook({"lag_tensor": "# YOUR CODE HERE\nraise NotImplementedError()  # todo"}, answer="")
    (folder / "blank3.ipynb").write_bytes(touched)
    return {"planted": pairs, "blanks": ["blank1", "blank2", "blank3"], "independent": names}
