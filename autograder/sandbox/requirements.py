"""Protections a course may require (``--require hidden-files,no-network``), and how to get them.

``deepgrade doctor``, ``grade`` and ``grade-batch`` share these names. A requirement is met
when the sandbox of this machine and user reports the protection on (``Sandbox.protections``);
``missing`` lists the unmet ones, ``advice`` says what to install or change for each.
"""

from __future__ import annotations

# name -> (what it stops, test on Sandbox.protections, how to get it)
REQUIREMENTS = {
    "hidden-files": ("reading the reference, the hidden suites, the secret or the gradebook",
                     lambda p: bool(p.get("hidden_paths")),
                     "install bubblewrap (apt-get install bubblewrap), or use Linux >= 5.13 with Landlock enabled "
                     "(lsm=...,landlock on the kernel command line)"),
    "no-network": ("network access", lambda p: bool(p.get("network_isolated")),
                   "install bubblewrap, or grade on x86_64/aarch64 where the seccomp filter refuses sockets"),
    "read-only-files": ("deleting or changing the grader's files", lambda p: bool(p.get("readonly_filesystem")),
                        "install bubblewrap, or use a kernel with Landlock"),
    "unprivileged": ("acting as root", lambda p: bool(p.get("unprivileged_user")),
                     "grade as root (each submission then runs as nobody) or as an ordinary user"),
    "process-limit": ("fork bombs", lambda p: bool(p.get("process_limit")) and bool(p.get("pid_namespace")),
                      "grade as an ordinary user or as root (children drop to nobody); install bubblewrap"),
    "pid-namespace": ("processes outliving their submission", lambda p: p.get("pid_namespace") is True,
                      "allow user namespaces (sysctl kernel.unprivileged_userns_clone=1; in Docker: "
                      "--security-opt seccomp=unconfined or CAP_SYS_ADMIN) and install bubblewrap"),
    "bwrap": ("all of the above, with one tool", lambda p: bool(p.get("bwrap")),
              "apt-get install bubblewrap, and allow user namespaces (see pid-namespace)"),
}


def parse(text: str | None) -> tuple[str, ...]:
    """``"hidden-files,no-network"`` -> its names; ValueError naming the unknown ones."""
    names = tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))
    unknown = [n for n in names if n not in REQUIREMENTS]
    if unknown:
        raise ValueError(f"unknown protection(s) {', '.join(unknown)}; known: {', '.join(REQUIREMENTS)}")
    return names


def met(protections: dict, name: str) -> bool:
    return REQUIREMENTS[name][1](protections)


def missing(protections: dict, required) -> list[str]:
    return [name for name in required if not met(protections, name)]


def advice(name: str) -> str:
    return REQUIREMENTS[name][2]


def refusal(protections: dict, required) -> str | None:
    """A plain message when a required protection is missing on this machine; None when all are on."""
    lacking = missing(protections, required)
    if not lacking:
        return None
    lines = [f"refusing to grade: the course requires {', '.join(lacking)}, which this machine does not give:"]
    lines += [f"  - {n}: stops {REQUIREMENTS[n][0]}; to get it: {advice(n)}" for n in lacking]
    lines.append("Run `deepgrade doctor` for details.")
    return "\n".join(lines)


def enforce(text: str | None, config=None) -> None:
    """For ``grade``/``grade-batch --require``: start this machine's sandbox once and raise
    ``click.UsageError`` (bad names) or ``click.ClickException`` (missing protections)."""
    import click

    try:
        required = parse(text)
    except ValueError as exc:
        raise click.UsageError(f"--require: {exc}") from None
    if not required:
        return
    from .config import SandboxConfig
    from .runner import Sandbox

    with Sandbox(config or SandboxConfig()) as sb:
        message = refusal(sb.protections, required)
    if message:
        raise click.ClickException(message)
