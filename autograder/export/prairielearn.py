"""``--format prairielearn``: one PrairieLearn question directory, graded by deepgrade in an external grader.

PrairieLearn's question format (docs: questions, externalGrading, elements/pl-file-upload):

- ``info.json``: the question's metadata; ``gradingMethod: "External"`` and ``externalGradingOptions``
  (``enabled``, ``image``: a Docker image with deepgrade installed, ``entrypoint``: an absolute path run
  in the container, ``timeout`` in seconds, at most 600);
- ``question.html``: the text, a link to the student's notebook and a ``pl-file-upload`` for it;
- ``server.py``: ``generate(data)`` picks one of ``--variants`` pre-generated variants from PrairieLearn's
  ``data["variant_seed"]`` and stores its number in ``data["params"]``;
- ``clientFilesQuestion/``: one zip per variant (the notebook and its self-check files), served to students;
- ``tests/``: copied by PrairieLearn to ``/grade/tests`` for the grading job only, never served: the
  entrypoint ``run.sh`` (which runs :mod:`autograder.export.prairielearn_grade`), ``deepgrade.json`` (the
  assignment, the number of variants, the upload's name), ``deepgrade.key``, the course secret, and for an
  assignment of a course folder ``course/`` (:mod:`autograder.export.course_files`).

Variant ``k`` is deepgrade's student ``pl-v<k>``: its parameters and hidden seed derive from the course
secret like any student's; hidden inputs also depend on the submitted code.
"""

from __future__ import annotations

import html
import io
import json
import uuid
import zipfile
from pathlib import Path

from autograder.export.base import ExportError, ExportJob, Setting, write

GRADER_MODULE = "autograder.export.prairielearn_grade"
KEY_FILE = "deepgrade.key"
CONFIG_FILE = "deepgrade.json"
MAX_TIMEOUT = 600  # PrairieLearn's limit on externalGradingOptions.timeout


def variant_student(k: int) -> str:
    """deepgrade's student id of PrairieLearn variant number ``k``."""
    return f"pl-v{k}"


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same bytes on every export
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def _question_html(title: str, assignment: str, upload: str) -> str:
    return f"""<pl-question-panel>
  <p><strong>{title}</strong> (deepgrade assignment <code>{assignment}</code>, variant {{{{params.deepgrade_variant}}}}).</p>
  <p>Download <a href="{{{{options.client_files_question_url}}}}/deepgrade-{assignment}-v{{{{params.deepgrade_variant}}}}.zip">your
    notebook and its self-check files</a>, fill in every <code># YOUR CODE HERE</code>, run
    <code>check(...)</code> to check your work locally, then upload the notebook as <code>{upload}</code>.</p>
  <p>Hidden tests grade each question; you see the points of each test and, where a test fails, why.</p>
</pl-question-panel>

<pl-file-upload file-names="{upload}"></pl-file-upload>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
</pl-submission-panel>
"""


SERVER_PY = '''"""deepgrade question: generate() fixes the variant from PrairieLearn's variant seed."""

VARIANTS = {variants}


def generate(data):
    # variant k is one of the notebooks in clientFilesQuestion/, graded as deepgrade's student "pl-v<k>"
    data["params"]["deepgrade_variant"] = int(data["variant_seed"]) % VARIANTS
'''

RUN_SH = f"""#!/bin/sh
# PrairieLearn's external grader runs this (info.json: externalGradingOptions.entrypoint) in an image with
# deepgrade installed; it grades /grade/student and writes /grade/results/results.json.
exec python3 -m {GRADER_MODULE}
"""


def _uuid(out: Path) -> str:
    """The question's uuid: kept from an earlier export into the same folder, else a new one."""
    try:
        old = json.loads((out / "info.json").read_text(encoding="utf-8"))["uuid"]
        return str(uuid.UUID(str(old)))
    except (OSError, ValueError, KeyError, TypeError):
        return str(uuid.uuid4())


class PrairieLearnExporter:
    name = "prairielearn"
    ships_course = True  # a course's assignment folder travels in tests/course/
    summary = "a PrairieLearn question directory (externally graded by deepgrade in a Docker image)"
    settings = (
        Setting("variants", int, 16, "prairielearn: how many variants to generate (the variant seed picks one)"),
        Setting("image", str, "deepgrade-grader", "prairielearn: Docker image with deepgrade installed"),
        Setting("timeout", int, 300, f"prairielearn: seconds the grading job may take (at most {MAX_TIMEOUT})"),
    )

    def export(self, job: ExportJob) -> list[Path]:
        from autograder.generate.bundle import build_bundle
        from autograder.manifest import load_manifest

        variants, image, timeout = job.settings["variants"], job.settings["image"], job.settings["timeout"]
        if not 1 <= variants <= 1000:
            raise ExportError(f"--variants must be between 1 and 1000; got {variants}")
        if not 1 <= timeout <= MAX_TIMEOUT:
            raise ExportError(f"--timeout must be between 1 and {MAX_TIMEOUT} seconds (PrairieLearn's limit); got {timeout}")
        if not image.strip() or any(c.isspace() for c in image):
            raise ExportError(f"--image must be a Docker image name without spaces; got {image!r}")
        manifest = load_manifest(job.assignment)
        upload = f"{job.assignment}.ipynb"
        out = job.out
        info = {
            "uuid": _uuid(out),
            "title": f"{manifest.title} (deepgrade {job.assignment})",
            "topic": "Deep learning (ISLP chapter 10)",
            "tags": ["deepgrade", job.assignment],
            "type": "v3",
            "gradingMethod": "External",
            "singleVariant": variants == 1,
            "externalGradingOptions": {
                "enabled": True,
                "image": image,
                "entrypoint": "/grade/tests/run.sh",
                "timeout": timeout,
            },
        }
        written = [
            write(out / "info.json", json.dumps(info, indent=2) + "\n"),
            write(out / "question.html", _question_html(html.escape(manifest.title), job.assignment, upload)),
            write(out / "server.py", SERVER_PY.format(variants=variants)),
            write(out / "tests" / "run.sh", RUN_SH, 0o755),
            write(out / "tests" / CONFIG_FILE, json.dumps(
                {"assignment": job.assignment, "variants": variants, "upload": upload}, indent=2) + "\n"),
            write(out / "tests" / KEY_FILE, job.secret + b"\n", 0o600),
        ]
        from autograder.export.course_files import course_files

        try:
            shipped = course_files(job.assignment)
        except ValueError as exc:
            raise ExportError(str(exc)) from None
        written += [write(out / "tests" / name, data, 0o600) for name, data in shipped.items()]
        for k in range(variants):
            bundle = build_bundle(job.assignment, variant_student(k), job.secret)
            name = f"deepgrade-{job.assignment}-v{k}.zip"
            written.append(write(out / "clientFilesQuestion" / name, _zip(bundle.files)))
        return written


EXPORTER = PrairieLearnExporter()
