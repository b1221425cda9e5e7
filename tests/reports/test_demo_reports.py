"""Does `deepgrade demo` write the HTML feedback, the dashboard and the similarity report, and say where?"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from rich.console import Console

from autograder.demo import CLASS, run_demo

_spec = importlib.util.spec_from_file_location("_reports_support", Path(__file__).with_name("_support.py"))
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)


def test_demo_writes_the_three_reports(tmp_path, chromium):
    """For a one-assignment demo class: are the pages there, named in the output, and readable in Chromium?"""
    out = tmp_path / "demo"
    text = io.StringIO()
    run_demo(out, assignments=("dropout",), console=Console(file=text, width=200), workers=1)
    printed = text.getvalue()
    assert f"the TA dashboard: {out / 'dashboard.html'}" in printed
    assert f"similar submissions: {out / 'similarity'}/<assignment>.html" in printed
    assert f"{out / 'feedback'}/<assignment>/<student>.html" in printed
    assert sorted(p.name for p in (out / "feedback" / "dropout").glob("*.html")) == sorted(f"{s}.html" for s in CLASS)
    dom = support.load(out / "dashboard.html").dom
    assert "<h2>dropout: Dropout and ReLU layers</h2>" in dom and "4 students; median" in dom
    assert "Similar submissions" in dom
    sim = support.load(out / "similarity" / "dropout.html").dom
    assert "4 submissions compared" in sim
    fb = support.load(out / "feedback" / "dropout" / "ada.html").dom
    assert "<h1>dropout: feedback for ada</h1>" in fb
