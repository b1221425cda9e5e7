"""Score distributions drawn with matplotlib and embedded in a page as an SVG ``data:`` URI.

An ``<img>`` of a data URI needs no file beside the page and no network, cannot run script (even
text inside it never becomes markup of the page), and prints sharply. Figures are drawn without
pyplot; text stays text (``svg.fonttype = none``) to keep the files small, and the ids are salted
with a constant so the same gradebook gives the same page.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from markupsafe import Markup

_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "deepgrade", "font.size": 9,
          "axes.spines.top": False, "axes.spines.right": False}
_COLOR = "#1a73e8"


def _svg_uri(fig) -> Markup:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return Markup("data:image/svg+xml;base64," + data)  # only base64 characters: safe in an attribute


def _bins(top: float) -> list[float]:
    """Bin edges for scores from 0 to ``top``: one bin per point up to 20 points, else 20 bins."""
    top = max(float(top), 1.0)
    n = int(round(top)) if top <= 20 and top == int(top) else 20
    return [top * i / n for i in range(n + 1)]


def distributions(panels: Sequence[tuple[str, Sequence[float], float]], *, title: str = "") -> Markup:
    """One row of histograms, a panel per ``(label, scores, max_score)``; the figure as a data URI."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    with matplotlib.rc_context(_STYLE):
        n = max(len(panels), 1)
        fig = Figure(figsize=(min(2.6 * n, 13), 2.2))
        axes = fig.subplots(1, n, squeeze=False)[0]
        for ax, (label, scores, top) in zip(axes, panels):
            ax.hist(list(scores), bins=_bins(top), color=_COLOR, edgecolor="white", linewidth=0.5)
            ax.set_title(label, fontsize=9)
            ax.set_xlim(0, max(float(top), 1.0))
            ax.set_xlabel("points")
            ax.yaxis.get_major_locator().set_params(integer=True)
        axes[0].set_ylabel("students")
        if title:
            fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        return _svg_uri(fig)
