"""Does ``python deepgrade_check.py`` pass on every solution bundle, run as a plain script?"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.manifest import ASSIGNMENT_IDS

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


@pytest.mark.parametrize("aid", ASSIGNMENT_IDS)
def test_script_self_check_passes_on_solutions(aid, tmp_path):
    """Do all public checks pass when the bundle's script is run from its folder?"""
    bundle = tmp_path / aid
    shutil.copytree(SOLUTIONS / aid, bundle)
    out = subprocess.run([sys.executable, "deepgrade_check.py"], cwd=bundle, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    m = re.search(r"(\d+)/(\d+) public checks passed", out.stdout)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) > 0, out.stdout
    assert "raised" not in out.stdout, out.stdout
