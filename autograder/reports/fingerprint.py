"""Code fingerprints that survive renaming, reformatting and recommenting: MOSS-style winnowing.

1. :func:`normalize` tokenizes Python source (the stdlib ``tokenize``: linear, never executes or
   compiles anything) and keeps a canonical stream: comments, docstrings, blank lines and
   indentation dropped; every identifier the code names itself becomes ``V`` (so renaming a variable
   or a helper changes nothing), while keywords, builtins and attribute names (``.shape``,
   ``np.tanh``'s ``tanh``) are kept; numbers become ``N`` and strings ``S``.
2. :func:`kgram_hashes` hashes every run of ``k`` consecutive tokens (a stable 64-bit blake2b).
3. :func:`winnow` keeps the minimum hash of every window of ``w`` consecutive hashes (Schleimer,
   Wilkerson and Aiken, 2003): any match of at least ``w + k - 1`` tokens is guaranteed to share a
   fingerprint, and reordering functions only loses the few k-grams that straddle a boundary.

Each token remembers its source line, so matches can be shown in the original code.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import tokenize
from dataclasses import dataclass

K = 13  # tokens per k-gram
WINDOW = 6  # hashes per winnowing window: matches of K + WINDOW - 1 = 18 tokens are always found
_KEEP_NAMES = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
         tokenize.ENCODING, tokenize.ENDMARKER}
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)
_STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.ENCODING}


@dataclass(frozen=True)
class Token:
    text: str  # the canonical token
    line: int  # 1-based line in the source it came from


def _raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    """The tokens of ``source`` up to the first thing tokenize cannot read (the rest is dropped)."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            out.append(tok)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return out


def normalize(source: str, line_offset: int = 0) -> list[Token]:
    """The canonical token stream of ``source`` (see the module docstring); lines shifted by ``line_offset``."""
    raw = _raw_tokens(source)
    out: list[Token] = []
    prev_type, prev_text = tokenize.NEWLINE, ""
    depth = 0  # inside an f-string
    for i, tok in enumerate(raw):
        ttype, text = tok.type, tok.string
        if _FSTRING_START is not None and ttype == _FSTRING_START:
            if depth == 0:
                out.append(Token("S", tok.start[0] + line_offset))
            depth += 1
        elif _FSTRING_END is not None and ttype == _FSTRING_END:
            depth -= 1
        elif depth or ttype in _SKIP:
            pass
        elif ttype == tokenize.STRING:
            nxt = next((t.type for t in raw[i + 1:] if t.type != tokenize.COMMENT), tokenize.NEWLINE)
            docstring = prev_type in _STATEMENT_START and nxt in (tokenize.NEWLINE, tokenize.ENDMARKER)
            if not docstring:
                out.append(Token("S", tok.start[0] + line_offset))
        elif ttype == tokenize.NUMBER:
            out.append(Token("N", tok.start[0] + line_offset))
        elif ttype == tokenize.NAME:
            keep = text in _KEEP_NAMES or prev_text == "."
            out.append(Token(text if keep else "V", tok.start[0] + line_offset))
        else:
            out.append(Token(text, tok.start[0] + line_offset))
        if ttype not in (tokenize.COMMENT, tokenize.NL) and not (depth and ttype != _FSTRING_START):
            prev_type, prev_text = ttype, text
    return out


def kgram_hashes(tokens: list[Token], k: int = K) -> list[int]:
    """The stable 64-bit hash of every run of ``k`` consecutive tokens (position i: tokens i .. i+k-1)."""
    texts = [t.text for t in tokens]
    return [
        int.from_bytes(hashlib.blake2b("\x1f".join(texts[i:i + k]).encode(), digest_size=8).digest(), "big")
        for i in range(len(texts) - k + 1)
    ]


def winnow(hashes: list[int], window: int = WINDOW) -> dict[int, list[int]]:
    """Fingerprints of a document: hash -> positions, the minimum of each window (rightmost on ties)."""
    if not hashes:
        return {}
    if len(hashes) <= window:
        i = min(range(len(hashes)), key=lambda j: (hashes[j], -j))
        return {hashes[i]: [i]}
    picked: dict[int, list[int]] = {}
    last = -1
    for start in range(len(hashes) - window + 1):
        seg = hashes[start:start + window]
        low = min(seg)
        i = start + window - 1 - seg[::-1].index(low)  # the rightmost minimum
        if i != last:
            picked.setdefault(low, []).append(i)
            last = i
    return picked
