"""The ``deepgrade`` command group. It only wires commands.

Every other module in this package defines one thin click command named ``command``;
it is discovered here, so adding a command means adding one file. Command modules keep
heavy imports (torch, nbformat, ...) inside the function so ``deepgrade --help`` is fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


class _Discovered(click.Group):
    def _load(self) -> None:
        if getattr(self, "_loaded", False):
            return
        self._loaded = True
        for mod in pkgutil.iter_modules(__path__):
            if mod.name.startswith("_"):  # private modules and __main__
                continue
            module = importlib.import_module(f"{__name__}.{mod.name}")
            cmd = getattr(module, "command", None)
            if isinstance(cmd, click.Command):
                self.add_command(cmd)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        self._load()
        return super().get_command(ctx, name)


@click.group(cls=_Discovered, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="deepgrade")
@click.option("--course", type=click.Path(exists=True, file_okay=False), envvar="DEEPGRADE_COURSE",
              help="A course's folder of assignment folders (and its reference module), searched before the "
                   "built-in ones file by file (else $DEEPGRADE_COURSE).")
def main(course):
    """deepgrade: auto-graded exercises for ISLP chapter 10 (deep learning)."""
    if course:
        from autograder.folders import use_course

        use_course(course)


if __name__ == "__main__":  # pragma: no cover
    main()
