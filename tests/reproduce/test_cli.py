"""Bad input to ``deepgrade reproduce`` gives clear errors before any training; fast rows run."""

import json

import pytest
import torch
from click.testing import CliRunner

from autograder.cli import main
from reference import data as D
from reference.reproduce.table import TASK_NAMES, select_tasks


def _run(args, **kw):
    return CliRunner().invoke(main, ["reproduce", *args], **kw)


def test_unknown_task_is_a_usage_error_listing_the_tasks(tmp_path):
    """Does --only with an unknown name exit 2 and list the known tasks?"""
    result = _run(["--only", "imdb-cnn", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown task 'imdb-cnn'" in result.output and "nyse-ar" in result.output
    assert not (tmp_path / "results.json").exists()


def test_cuda_without_a_gpu_is_a_usage_error(tmp_path, monkeypatch):
    """Does --device cuda on a machine without CUDA exit 2 saying so?"""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    result = _run(["--device", "cuda", "--only", "nyse-ar", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--device" in result.output and "cuda" in result.output and "is_available" in result.output


def test_missing_imdb_data_is_a_clear_error(tmp_path, monkeypatch):
    """With no IMDb file and no network, does an IMDb row fail before training, saying where to put the file?"""
    monkeypatch.delenv(D.ENV_PATH, raising=False)
    monkeypatch.setattr(D, "network_reachable", lambda *a, **k: False)
    result = _run(["--only", "imdb-nn", "--out", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 1
    assert "IMDb data not found" in result.output and "--imdb" in result.output and "DEEPGRADE_IMDB" in result.output
    bad = _run(["--only", "imdb-nn", "--imdb", str(tmp_path / "missing.tar.gz"), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1 and "missing.tar.gz does not exist" in bad.output


def test_list_and_requirements():
    """Does --list print every task, and does selecting an experiment add the models it needs?"""
    result = _run(["--list"])
    assert result.exit_code == 0 and result.output.split() == list(TASK_NAMES)
    assert [t.name for t in select_tasks(["vanishing-gradients"])] == ["imdb-lstm", "imdb-rnn", "vanishing-gradients"]


@pytest.fixture(scope="module")
def ar_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ar")
    result = _run(["--only", "nyse-ar,nyse-ar-dow", "--out", str(out), "--quick"])
    return result, json.loads((out / "results.json").read_text())


def test_ar_rows_reach_the_textbook_numbers(ar_run):
    """Do the AR rows print and record ISLP's R² to 4 decimals, cross-checked by torch's lstsq?"""
    result, results = ar_run
    assert result.exit_code == 0, result.output
    rows = {r["task"]: r for r in results["tasks"]}
    assert round(rows["nyse-ar"]["value"], 4) == 0.4129
    assert round(rows["nyse-ar-dow"]["value"], 4) == 0.4596
    assert abs(rows["nyse-ar"]["value"] - 0.4128912938562521) < 1e-9
    for r in rows.values():
        assert r["passed"] and r["details"]["cross_check_abs_diff"] < 1e-10
    assert "0.4129" in result.output and "pass" in result.output
    assert results["settings"]["device"] == "cpu" and results["hardware"]["cpu_count"] >= 1
