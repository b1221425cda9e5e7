"""Which protections are on, what is said when some are off, and how the bwrap mounts are planned."""

import os
from pathlib import Path

import pytest

import autograder
from autograder.sandbox import Sandbox, SandboxConfig, StudentError, bwrap
from autograder.sandbox.bwrap import mount_plan

FAST = dict(call_timeout=2.0, cell_timeout=2.0, memory_bytes=1 << 30)


def test_sandbox_reports_every_protection(sandbox):
    p = sandbox.protections
    for key in ("bwrap", "network_isolated", "readonly_filesystem", "hidden_paths", "pid_namespace",
                "process_limit", "private_tmp", "capabilities_dropped", "rlimits", "scrubbed_environment"):
        assert key in p
    if p["bwrap"]:
        assert p["network_isolated"] and p["readonly_filesystem"] and p["pid_namespace"]
        assert all(v is not False for v in p.values()), p
        assert sandbox.warnings == []


@pytest.mark.parametrize("how", ["config", "not installed"])
def test_without_bwrap_grading_still_works_and_says_what_is_off(monkeypatch, script, how):
    if how == "not installed":
        monkeypatch.setattr(bwrap, "find_bwrap", lambda: None)
    config = SandboxConfig(use_bwrap=False if how == "config" else None, **FAST)
    with Sandbox(config) as sb:
        assert sb.protections["bwrap"] is False
        # the child's own network namespace (or seccomp) may still cut it off: then it is reported as on
        assert sb.protections["network_isolated"] or any("network" in w for w in sb.warnings)
        assert any("bubblewrap" in w and "reference/" in w for w in sb.warnings)
        if os.geteuid() == 0:
            assert sb.protections["unprivileged_user"] or any("root" in w for w in sb.warnings)
        with sb.start(script("def f(x):\n    return x * 2\n\ndef spin():\n    while True:\n        pass\n")) as proc:
            assert proc.call("f", 21) == 42
            with pytest.raises(StudentError) as info:
                proc.call("spin", timeout=0.5)
            assert info.value.kind == "timeout" and proc.call("f", 1) == 2


def test_requiring_bwrap_when_it_is_missing_is_an_error(monkeypatch):
    monkeypatch.setattr(bwrap, "find_bwrap", lambda: None)
    with pytest.raises(RuntimeError, match="bwrap is not installed"):
        Sandbox(SandboxConfig(use_bwrap=True))


def test_bad_config_values_are_refused():
    with pytest.raises(ValueError, match="call_timeout"):
        SandboxConfig(call_timeout=0)


def test_mount_plan_hides_then_reveals_python_then_rehides_secrets(tmp_path):
    repo = tmp_path / "repo"
    for d in ("reference", ".venv/lib/site-packages/autograder", "notes"):
        (repo / d).mkdir(parents=True)
    home = tmp_path / "home"
    home.mkdir()
    hidden, revealed, rehidden = mount_plan(
        hide=[str(repo), str(repo / "reference"), str(home), str(repo / ".venv/lib/site-packages/autograder")],
        reveal=[str(repo / ".venv"), str(repo / ".venv/lib"), "/usr"],
    )
    assert hidden == sorted([str(home), str(repo)])
    assert revealed == [str(repo / ".venv"), "/usr"]  # an allowlist: every revealed path is bound
    assert rehidden == [str(repo / ".venv/lib/site-packages/autograder")]


def test_default_hidden_covers_the_repository_and_home():
    hidden = bwrap.default_hidden(extra=("/srv/gradebook",))
    repo = str(Path(autograder.__file__).resolve().parents[1])
    assert repo in hidden and os.path.expanduser("~") in hidden and "/srv/gradebook" in hidden


def test_a_bwrap_that_cannot_start_falls_back_with_a_warning(monkeypatch, script):
    monkeypatch.setattr(bwrap, "find_bwrap", lambda: "/bin/false")
    with Sandbox(SandboxConfig(**FAST)) as sb:
        assert sb.protections["bwrap"] is False
        assert any("could not start" in w for w in sb.warnings)
        with sb.start(script("def f():\n    return 'ok'\n")) as proc:
            assert proc.call("f") == "ok"


def test_code_shipped_into_the_sandbox_imports_only_stdlib_numpy_torch_notebook_readers_and_itself():
    import ast
    import sys

    from autograder.sandbox.runner import SHIPPED

    here = Path(bwrap.__file__).parent
    siblings = {name[:-3] for name in SHIPPED}
    for name in SHIPPED:
        for node in ast.walk(ast.parse((here / name).read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module.split(".")[0]]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 1, (name, ast.dump(node))
                modules = []
                names = {node.module} if node.module else {alias.name for alias in node.names}
                assert names <= siblings, name
            else:
                continue
            for module in modules:
                # nbformat and IPython's transformers: only a loader process uses them (notebook.py)
                allowed = ("numpy", "torch", "nbformat", "IPython")
                assert module in sys.stdlib_module_names or module in allowed, (name, module)
