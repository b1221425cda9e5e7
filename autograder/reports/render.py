"""The jinja2 environment every report is rendered with, and the page frame's security policy.

Everything printed with ``{{ }}`` is first cleaned of control and bidi characters
(:func:`autograder.grading.text.clean`, as the ``finalize`` hook) and then HTML-escaped (autoescape):
text a student shaped -- a message, a file name, a warning, code -- shows as the text it is. Values
already marked safe (:class:`markupsafe.Markup`, made only here and in :mod:`.charts`) pass unchanged.

Each page carries a Content-Security-Policy that allows no network access at all (``default-src
'none'``), images only as ``data:`` URIs, inline styles, and only the page's own inline script, named
by its sha256: even markup that slipped through could neither run nor load anything.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from autograder.batch.feedback import fmt_points
from autograder.grading.text import clean


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return clean(value)
    return value


def _pct(value, total) -> str:
    """``value / total`` as a CSS width, ``"37.5%"``, clamped to [0, 100]; 0 when total is 0."""
    if not total:
        return "0%"
    return f"{max(0.0, min(100.0, 100.0 * float(value) / float(total))):.1f}%"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("autograder.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["points"] = fmt_points
    env.filters["pct"] = _pct
    env.filters["clean"] = clean
    return env


def script_hash(script: str) -> str:
    """The CSP source naming one inline script: ``'sha256-<base64>'``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def csp(script: str = "") -> str:
    """The Content-Security-Policy of a page whose only script is ``script`` (none when empty)."""
    scripts = script_hash(script) if script else "'none'"
    return (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {scripts}; "
            "base-uri 'none'; form-action 'none'")


@cache
def sort_script() -> str:
    """The tables' optional sorting script (the pages work without it)."""
    return (Path(__file__).with_name("templates") / "sort.js").read_text(encoding="utf-8")


def render_page(template: str, **context) -> str:
    """Render one of our templates (``base.html.j2`` frames it) to a complete HTML document."""
    script = sort_script() if context.pop("sortable", False) else ""
    return environment().get_template(template).render(
        csp=csp(script), script=Markup(script), **context
    )


def write_page(path: str | Path, html: str) -> Path:
    """Write ``html`` to ``path`` (UTF-8), creating its folder; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
