"""``deepgrade doctor [--require hidden-files,no-network]``: which protections grading has here."""

from __future__ import annotations

import click

SHOWN = (  # protection key -> label, in the order a TA reads them
    ("bwrap", "bubblewrap"), ("hidden_paths", "hidden files"), ("unprivileged_user", "unprivileged user"),
    ("landlock", "Landlock"), ("seccomp", "seccomp filter"), ("network_isolated", "no network"),
    ("readonly_filesystem", "read-only files"), ("pid_namespace", "PID namespace"),
    ("process_limit", "process limit"), ("signals", "signals contained"), ("private_tmp", "private /tmp"),
    ("memory", "memory limit"), ("rlimits", "rlimits"), ("capabilities_dropped", "no capabilities"),
    ("scrubbed_environment", "scrubbed environment"), ("timeouts", "timeouts"),
)


def mode(protections: dict, root: bool) -> str:
    """The kind of place this is, in words."""
    if protections.get("bwrap"):
        return "root with bubblewrap" if root else "an ordinary user with bubblewrap (a TA laptop)"
    if root:
        return "root without bubblewrap (a container without CAP_SYS_ADMIN, as on Gradescope)"
    if protections.get("user_namespace"):
        return "an ordinary user without bubblewrap, with user namespaces"
    return "an ordinary user without user namespaces (as in a JupyterHub container)"


@click.command("doctor")
@click.option("--require", metavar="NAMES", help="Comma-separated protections the course requires "
              "(hidden-files, no-network, read-only-files, unprivileged, process-limit, pid-namespace, bwrap); "
              "the exit status is 1 when one is missing.")
@click.option("--json", "as_json", is_flag=True, help="Print the protections as JSON.")
def command(require, as_json):
    """Say which protections grading has on this machine, for this user, and how to get the missing ones.

    Starts the sandbox exactly as ``grade`` and ``grade-batch`` do and asks a probe child what
    took effect.
    """
    import json
    import os

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from autograder.sandbox import Sandbox, SandboxConfig
    from autograder.sandbox import requirements as req

    try:
        required = req.parse(require)
    except ValueError as exc:
        raise click.UsageError(f"--require: {exc}") from None
    with Sandbox(SandboxConfig()) as sb:
        protections, warnings = dict(sb.protections), list(sb.warnings)
    root = os.geteuid() == 0
    lacking = req.missing(protections, required)
    if as_json:
        click.echo(json.dumps({"mode": mode(protections, root), "protections": protections, "warnings": warnings,
                               "requirements": {n: req.met(protections, n) for n in req.REQUIREMENTS},
                               "missing": lacking}, indent=2))
    else:
        console = Console()
        console.print(Text(f"Grading here runs as {mode(protections, root)}.", style="bold"))
        table = Table("protection", "on", "how")
        for key, label in SHOWN:
            if key not in protections and protections.get("bwrap"):
                table.add_row(label, "-", "not needed: bubblewrap gives the same")
                continue
            value = protections.get(key, False)
            table.add_row(label, Text("yes", style="green") if value else Text("no", style="red"),
                          Text("" if value in (True, False) else str(value)))
        console.print(table)
        for warning in warnings:
            console.print(Text.assemble(("warning: ", "yellow"), warning))
        off = [n for n in req.REQUIREMENTS if not req.met(protections, n)]
        if off:
            console.print("\nTo get what is missing:")
            for name in off:
                console.print(Text.assemble(f"  {name}: ", (req.advice(name), "")))
        if required:
            console.print(Text(f"\nRequired: {', '.join(required)} -- " +
                               (f"MISSING: {', '.join(lacking)}" if lacking else "all present"),
                               style="red" if lacking else "green"))
    if lacking:
        raise SystemExit(1)
