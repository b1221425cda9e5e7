"""Does the ``deepgrade`` command group discover its commands?"""

import subprocess
import sys

from click.testing import CliRunner

from autograder.cli import main


def test_help_lists_commands():
    """Is every command file of autograder/cli/ listed by --help?"""
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for name in ("gradcheck", "demo"):
        assert name in result.output


def test_unknown_command_is_an_error():
    """Does an unknown command exit non-zero with a message naming it?"""
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code != 0
    assert "no-such-command" in result.output


def test_console_script_runs():
    """Is the installed ``deepgrade`` entry point importable from a fresh interpreter?"""
    out = subprocess.run([sys.executable, "-m", "autograder.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "deepgrade" in out.stdout
