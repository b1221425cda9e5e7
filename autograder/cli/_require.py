"""``--require NAMES`` for ``grade`` and ``grade-batch``: refuse to grade without the protections a course asks for.

One decorator line per command; the check (``autograder.sandbox.requirements.enforce``) starts
this machine's sandbox once, before any grading, and stops with a plain message naming what is
missing and how to get it. Kept apart from ``autograder.sandbox`` so ``--help`` stays fast.
"""

from __future__ import annotations

import click

NAMES = "hidden-files, no-network, read-only-files, unprivileged, process-limit, pid-namespace, bwrap"


def _check(ctx, param, value):
    if value and not ctx.resilient_parsing:
        from autograder.sandbox.requirements import enforce

        enforce(value)
    return value


require_option = click.option(
    "--require", metavar="NAMES", expose_value=False, callback=_check,
    help=f"Refuse to grade unless these protections are on here (comma-separated: {NAMES}); "
    "see `deepgrade doctor`.",
)
