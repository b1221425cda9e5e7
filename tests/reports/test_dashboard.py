"""Does the TA dashboard show the class at a glance, in a real browser, with and without JavaScript?"""

from __future__ import annotations

import importlib.util
import re
from html import unescape
from pathlib import Path

from click.testing import CliRunner
from markupsafe import escape

from autograder.cli import main
from autograder.reports import dashboard

_spec = importlib.util.spec_from_file_location("_reports_support", Path(__file__).with_name("_support.py"))
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)


def _rows(dom: str, table_class: str) -> list[str]:
    body = re.search(rf'<table class="sortable {table_class}">.*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_dashboard_in_chromium(class_gradebook, tmp_path, chromium):
    """Are the distribution chart, the hardest test with its fraction and common line, the timeout, crash,
    error and grader-error rows, the grading times and the regrade in the rendered DOM?"""
    out = tmp_path / "dashboard.html"
    r = CliRunner().invoke(main, ["dashboard", "-g", str(class_gradebook), "-o", str(out)])
    assert r.exit_code == 0, r.output
    support.no_raw_markup(out.read_text())
    dom = support.load(out).dom
    support.no_raw_markup(dom)
    assert "<h2>ar: Autoregression on the NYSE data</h2>" in dom
    assert "12 students; median" in dom
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]{1000,}"', dom)
    hardest = _rows(dom, "hardest")
    # s06..s11 fail test_ols_fit (6 of 11 who have tests), with the same line: the top row
    assert "<code>test_ols_fit</code>" in hardest[0] and "6 / 11" in hardest[0] and "55%" in hardest[0]
    assert "The result differs from the expected one" in hardest[0] and "(6×)" in hardest[0]
    problems = " ".join(_rows(dom, "problems"))
    for student, kind in (("s01", "timed out"), ("s02", "crashed"), ("s03", "not graded"), ("s04", "grader error")):
        assert re.search(rf"<td>{student}</td><td[^>]*>{kind}</td>", problems), (student, kind)
    slowest = _rows(dom, "slowest")
    assert len(slowest) == 10 and "<td>s05</td>" in slowest[0] and "0.300" in slowest[0]  # its new version
    assert "<td>s11</td>" in slowest[1] and "0.210" in slowest[1]
    assert "Median 0.165 s per submission over 12 submissions" in dom  # 0.10 .. 0.21 but s05 at 0.30
    regrades = _rows(dom, "regrades")
    assert len(regrades) == 1 and "<td>s05</td>" in regrades[0] and '<td class="num">2</td>' in regrades[0]
    assert dom.count('class="filter"') >= 6  # the script added a filter box above each sortable table
    support.shoot(out, "dashboard")


def test_dashboard_works_without_javascript(class_gradebook, tmp_path, chromium):
    """With its script blocked, are all rows there (no filter boxes, nothing hidden)?

    Headless Chromium's --dump-dom needs JavaScript itself (--blink-settings=scriptEnabled=false dumps
    nothing, --disable-javascript is ignored), so the page's own policy is tightened to forbid its script.
    """
    from autograder.reports import browser
    from autograder.reports.render import script_hash, sort_script

    html = dashboard.page(class_gradebook)
    out = tmp_path / "nojs.html"
    allowed = str(escape(f"script-src {script_hash(sort_script())}"))  # as the attribute spells it
    assert allowed in html
    out.write_text(html.replace(allowed, "script-src &#39;none&#39;"))
    dom = browser.load(out).dom
    assert 'class="filter"' not in dom and "<tr hidden" not in dom
    assert len(_rows(dom, "problems")) == 4 and "<td>s05</td>" in dom


def test_page_loads_nothing_and_runs_only_its_own_script(class_gradebook, tmp_path):
    """Does the page reference no URL, and does its CSP allow only the sorting script, by hash?"""
    from autograder.reports.render import script_hash, sort_script

    html = dashboard.page(class_gradebook)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert f"script-src {script_hash(sort_script())};" in policy and "default-src 'none'" in policy
    assert html.count("<script>") == 1
