"""Render ``templates/<id>/<id>.py.j2`` for one variant: jupytext percent text with solution markers.

Templates are jinja2 (``StrictUndefined``: a misspelt name is an error) and call these helpers:

- ``given_cell()``: the imports the notebook needs (helpers come from ``<id>_given.py``, see ``given``);
- ``function_cell(name)``: a function students write (signature, docstring, marked body);
- ``check_import_cell()``, ``check_cell(name)``: self-check cells (tagged ``skip-grading``);
- ``answer_cell(question)``: the module-level answers of a question with blanks;
- ``folder(name)``: a Python file of the assignment's folder, for text the folder writes itself
  (e.g. ``markdown(folder("key").some_text(v))``); ``markdown(text)``: text as a markdown cell's lines;
- ``points(question)``, ``q``, ``manifest``, ``v`` (the variant), ``student``.
"""

from __future__ import annotations

from functools import cache

import jinja2

from autograder.folders import assignment_module, search_path
from autograder.generate.blanks import BEGIN, END, function_parameters, literal, render_function
from autograder.generate.given import _module_of, given_cell
from autograder.generate.solutions import BEGIN_STUDENT, END_STUDENT
from autograder.generate.sources import lookup
from autograder.manifest import Manifest

SKIP = '# %% tags=["skip-grading"]'


def answer_form(form: str) -> str:
    """How the notebook asks for a blank of this form (``autograder.answer_key.blank_form``)."""
    kind, _, letters = form.partition(":")
    if kind == "letters":
        return f'a list of letters, e.g. ["{letters[0]}"] (or [] for none)'
    if kind == "letter":
        return ", ".join(f'"{c}"' for c in letters[:-1]) + f' or "{letters[-1]}"'
    return "a number, to at least 4 decimals"


def environment() -> jinja2.Environment:
    return _environment(search_path())


@cache
def _environment(folders: tuple) -> jinja2.Environment:
    """Templates found file by file along the folders (a course's first, then the built-in ones)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False,
    )


def _markdown(text: str) -> str:
    return "\n".join(f"# {line}" if line else "#" for line in text.split("\n"))


def _answer_literal(value) -> str:
    if isinstance(value, float):
        return repr(round(value, 6) + 0.0)
    return literal(value)


class Context:
    """The helpers a template calls, for one manifest and one variant."""

    def __init__(self, manifest: Manifest, variant: dict):
        self.manifest = manifest
        self.variant = variant
        self._key = None

    def key(self) -> dict:
        if self._key is None:
            from autograder.answer_key import answer_key

            self._key = answer_key(self.variant)
        return self._key

    def given_cell(self) -> str:
        return given_cell(self.manifest.id)

    def function_cell(self, name: str) -> str:
        if name not in self.manifest.functions:
            raise ValueError(f"{self.manifest.id}: {name!r} is not a function of the manifest")
        module = _module_of(self.manifest, name)
        fixed = self.manifest.fixed
        params = {f: function_parameters(lookup(_module_of(self.manifest, f), f).source) for f in fixed}
        bound = {p: self.variant[p] for ps in fixed.values() for p in ps}
        return "# %%\n" + render_function(lookup(module, name).source, fixed, bound, params) + "\n"

    def check_import_cell(self) -> str:
        return "\n".join([
            SKIP, "try:", "    from deepgrade_check import check, check_submission  # the self-check of this folder",
            "except ImportError:",
            "    def check(name=None):",
            '        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "',
            '              "*_public.json file beside this notebook, and run it from that folder")',
            "    check_submission = check", ""])

    def check_cell(self, name: str) -> str:
        return f"{SKIP}\ncheck({literal(name)})\n"

    def answer_cell(self, question: str) -> str:
        q = next((q for q in self.manifest.questions if q.name == question), None)
        if q is None or not q.blanks:
            raise ValueError(f"{self.manifest.id}: {question!r} is not a question with blanks")
        from autograder.answer_key import blank_form

        key = self.key()
        width = max(len(b) for b in q.blanks)
        student, solution = [], []
        for b in q.blanks:
            form = answer_form(blank_form(self.manifest.id, b))
            student.append(f"{b:<{width}} = None  # {form}")
            solution.append(f"{b:<{width}} = {_answer_literal(key[b])}")
        return "\n".join(["# %%", "# Replace each None by your answer (a value, not a formula of other cells' "
                          "variables), then delete the raise line.", BEGIN_STUDENT, *student, END_STUDENT,
                          BEGIN, *solution, END]) + "\n"

    def folder(self, name: str):
        """A Python file of the assignment's folder (``<id>/<name>.py``): text only the folder can write."""
        return assignment_module(self.manifest.id, name)

    def points(self, question: str) -> str:
        p = next(q.points for q in self.manifest.questions if q.name == question)
        p = int(p) if p == int(p) else p
        return f"{p} point{'s' if p != 1 else ''}"

    def points_table(self) -> str:
        rows = ["| question | what you write | points |", "|---|---|---|"]
        for q in self.manifest.questions:
            what = ", ".join(f"`{n}`" for n in (*q.functions, *q.blanks))
            rows.append(f"| {q.title} | {what} | {self.points(q.name).split()[0]} |")
        rows.append(f"| **total** | | **{self.manifest.max_score:g}** |")
        return _markdown("\n".join(rows))

    def globals(self) -> dict:
        return {
            "manifest": self.manifest, "v": self.variant, "student": self.variant["student"],
            "q": {q.name: q for q in self.manifest.questions}, "points": self.points,
            "points_table": self.points_table, "given_cell": self.given_cell,
            "function_cell": self.function_cell, "check_import_cell": self.check_import_cell,
            "check_cell": self.check_cell, "answer_cell": self.answer_cell, "folder": self.folder,
            "markdown": _markdown,
        }


def render(manifest: Manifest, variant: dict) -> str:
    """The rendered percent text of one variant (solutions marked, not yet removed)."""
    template = environment().get_template(f"{manifest.id}/{manifest.id}.py.j2")
    return template.render(**Context(manifest, variant).globals())
