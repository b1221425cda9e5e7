"""Student-derived text on its way out: cleaned of control characters, then escaped for its format.

Anything a student controls -- an exception message, a cell's error, a file name, a notebook note --
may end up in a TA's terminal, a markdown feedback file, an LMS results file or a CSV. There it must
show as the text it is and never act: no ANSI escape sequence reaching a terminal, no carriage return
overwriting a line, no bidi override reordering what a reader sees, no markdown or HTML rendering.

- :func:`clean` drops ESC sequences, ``\\r`` and every other C0/C1 control character except ``\\n``
  and ``\\t``, the bidi embedding/override/isolate characters (U+202A-U+202E, U+2066-U+2069), and
  replaces lone surrogates (which no UTF-8 file can hold) with U+FFFD. One linear pass each.
- :func:`md_inline` escapes text for a markdown line (backslashes before the punctuation that makes
  emphasis, code, links, HTML, headings, tables or a leading list marker; newlines become spaces).
- :func:`md_block` puts text in a fenced code block whose fence is longer than any backtick run in it.
- :func:`rich_text` makes a :class:`rich.text.Text` (never parsed as rich markup).

Every function takes any object (``str()`` of it) and ``None`` (as ``""``).
"""

from __future__ import annotations

import re

# ESC [ ... final (CSI), ESC ] ... BEL or ESC \ (OSC; also DCS/PM/APC/SOS with their ST), or ESC + one char.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[\s\S]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the 8-bit CSI
)
_DROP = {c: None for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)] if c not in (0x09, 0x0A)}
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean(text) -> str:
    """``text`` without terminal escapes and control/bidi characters; keeps ``\\n`` and ``\\t``."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    s = s.replace("\r\n", "\n")
    s = _ESCAPES.sub("", s)
    s = s.translate(_DROP)
    return _SURROGATES.sub("\ufffd", s)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$])")  # active anywhere on a line
_MD_LEAD = re.compile(r"^(\d*)([-+.)])")  # a list marker ("- ", "+ ", "1. ", "2) ") when it starts the text


def md_inline(text) -> str:
    """Cleaned ``text`` that renders literally on one markdown line (no emphasis, link, HTML, heading,
    list); newlines and tabs become spaces."""
    s = clean(text).replace("\n", " ").replace("\t", " ").strip()
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _MD_LEAD.sub(r"\1\\\2", s, count=1)


def md_block(text, *, empty: str = "(no message)") -> list[str]:
    """Lines of a fenced markdown code block holding cleaned ``text`` verbatim (nothing in it renders)."""
    s = clean(text).rstrip() or empty
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, s, fence]


def rich_text(text, style: str = ""):
    """A rich ``Text`` of cleaned ``text``: printed as is, never interpreted as markup."""
    from rich.text import Text

    return Text(clean(text), style=style)

