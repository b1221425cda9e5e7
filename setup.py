"""Packaging beyond what pyproject.toml can say: the assignment templates ship inside the wheel.

``templates/`` (one folder per assignment: manifest and jinja2 source) sits beside the packages in the
checkout, where instructors edit it. A wheel must carry it, so it is mapped to the package
``autograder._templates`` at build time (``package_dir``) and its files are listed as package data in
pyproject.toml. ``autograder.folders.TEMPLATES_DIR`` finds the packaged copy first, then the checkout's.
Everything else about the build is declared in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_packages, setup

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSIGNMENTS = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))

setup(
    packages=find_packages(include=["reference", "reference.*", "autograder", "autograder.*"])
    + ["autograder._templates"] + [f"autograder._templates.{a}" for a in ASSIGNMENTS],
    package_dir={"autograder._templates": "templates"},
)
