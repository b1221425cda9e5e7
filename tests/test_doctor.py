"""Does ``deepgrade doctor`` say what grading has here, and do ``--require`` checks refuse honestly?

(The places without bubblewrap -- root in a container, a JupyterHub without user namespaces --
are exercised for real in tests/sandbox/test_modes.py, doctor and ``grade --require`` included.)
"""

import json

from click.testing import CliRunner

from autograder.cli import main
from autograder.sandbox import requirements


def test_doctor_reports_the_protections_of_this_machine_and_exits_0_without_requirements():
    result = CliRunner().invoke(main, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key in ("bwrap", "hidden_paths", "unprivileged_user", "network_isolated", "pid_namespace", "rlimits"):
        assert key in report["protections"]
    assert report["missing"] == [] and set(report["requirements"]) == set(requirements.REQUIREMENTS)
    table = CliRunner().invoke(main, ["doctor"])
    assert table.exit_code == 0 and "Grading here runs as" in table.output and "hidden files" in table.output


def test_doctor_exit_status_follows_the_required_protections():
    report = json.loads(CliRunner().invoke(main, ["doctor", "--json"]).output)
    on = [n for n, ok in report["requirements"].items() if ok]
    off = [n for n, ok in report["requirements"].items() if not ok]
    if on:
        assert CliRunner().invoke(main, ["doctor", "--require", ",".join(on)]).exit_code == 0
    for name in off:  # on a machine with bubblewrap nothing is off; test_modes.py covers the others
        result = CliRunner().invoke(main, ["doctor", "--require", name])
        assert result.exit_code == 1 and f"MISSING: {name}" in result.output


def test_unknown_requirements_are_usage_errors_before_any_grading(tmp_path):
    sub = tmp_path / "s.py"
    sub.write_text("def f():\n    return 1\n")
    for argv in (["doctor", "--require", "hidden-files,telepathy"],
                 ["grade", str(sub), "-a", "rnn", "-s", "alice", "--demo", "--require", "telepathy"]):
        result = CliRunner().invoke(main, argv)
        assert result.exit_code == 2 and "telepathy" in result.output and "hidden-files" in result.output


def test_refusal_names_each_missing_protection_and_how_to_get_it():
    protections = {"hidden_paths": "Landlock", "network_isolated": True, "pid_namespace": "no; process group"}
    message = requirements.refusal(protections, ("hidden-files", "no-network", "pid-namespace"))
    assert message.startswith("refusing to grade") and "pid-namespace" in message and "user namespaces" in message
    assert "hidden-files" not in message.splitlines()[0]
    assert requirements.refusal(protections, ("hidden-files", "no-network")) is None
