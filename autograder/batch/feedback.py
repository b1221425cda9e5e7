"""Per-student feedback: one markdown page from a grade result.

It repeats only what the engine already wrote for the student (scores, each failing test's
message, warnings, the error); the engine's messages never hold hidden inputs or expected values.
Whatever a student could have written (messages, file names, warnings) is cleaned of control
characters and escaped (:mod:`autograder.grading.text`): in a code block, or escaped inline, it
renders as the text it is.
"""

from __future__ import annotations

from autograder.grading.text import md_block, md_inline
from autograder.manifest import ASSIGNMENT_IDS, load_manifest

_HIDDEN_VARIANT_KEYS = ("assignment", "student")


def _shows_variant(assignment: str) -> bool:
    """Whether feedback repeats the student's variant (the manifest's ``show_variant``; yes when unknown)."""
    return assignment not in ASSIGNMENT_IDS or load_manifest(assignment).show_variant


def fmt_points(x: float | None) -> str:
    """Points without noise: 3 -> '3', 2.5 -> '2.5', 1/3 -> '0.33'."""
    if x is None:
        return ""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


GRADER_ERROR = (
    "The grader itself failed on your submission; this is not your fault and costs you nothing "
    "once it is fixed. Your instructor has the details and will grade it again."
)


def render(result: dict, *, assignment: str, student: str, source: str, status: str = "graded") -> str:
    """Markdown feedback for one graded submission (``result``: the engine's dict).

    For a ``grader-error`` the error's details (a traceback, for the TA) are not shown.
    """
    lines = [
        f"# {md_inline(assignment)}: feedback for {md_inline(student)}",
        "",
        f"**Score: {fmt_points(result.get('score'))} / {fmt_points(result.get('max_score'))}**"
        f" (graded file: {md_inline(source)})",
    ]
    variant = {k: v for k, v in (result.get("variant") or {}).items() if k not in _HIDDEN_VARIANT_KEYS}
    if variant and _shows_variant(assignment):
        lines += ["", "Your variant: " + ", ".join(f"{md_inline(k)} = {md_inline(v)}" for k, v in variant.items())]
    if status == "grader-error":
        lines += ["", "## Not graded yet", "", GRADER_ERROR]
    elif result.get("error"):
        lines += ["", "## Your submission could not be graded in full", "", *md_block(result["error"])]
    questions = result.get("questions") or {}
    if questions:
        lines += ["", "## Questions", "", "| question | points | out of |", "|---|---|---|"]
        for name, q in questions.items():
            lines.append(f"| {md_inline(name)} | {fmt_points(q.get('score'))} | {fmt_points(q.get('max_score'))} |")
    lost = [t for t in result.get("tests") or [] if t.get("status") != "passed" and status != "grader-error"]
    if lost:
        lines += ["", "## Tests that lost points"]
        for t in lost:
            head = (
                f"### {md_inline(t.get('name'))} ({md_inline(t.get('question') or 'no question')}): "
                f"{md_inline(t.get('status'))}, {fmt_points(t.get('score'))} / {fmt_points(t.get('max_score'))}"
            )
            lines += ["", head, "", *md_block(t.get("output"))]
    elif result.get("tests"):
        lines += ["", "Every test passed."]
    warnings = result.get("warnings") or []
    if warnings:
        lines += ["", "## Warnings", ""] + [f"- {md_inline(w)}" for w in warnings]
    return "\n".join(lines) + "\n"
