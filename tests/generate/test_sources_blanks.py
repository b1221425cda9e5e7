"""Are given code and blanks copied correctly from the reference, with fixed parameters removed?"""

from __future__ import annotations

import ast

import pytest

from autograder.generate.blanks import BEGIN, END, function_parameters, render_function
from autograder.generate.sources import collect, lookup

FIXED = {"rnn_step_forward": ("activation",), "rnn_forward": ("activation",)}
PARAMS = {f: function_parameters(lookup("reference.rnn", f).source) for f in FIXED}


def test_fixed_parameter_leaves_signature_and_docstring():
    """Does rnn_step_forward lose `activation` from its signature and Inputs, and bind it in the body?"""
    src = render_function(lookup("reference.rnn", "rnn_step_forward").source, FIXED, {"activation": "relu"},
                          PARAMS)
    fn = ast.parse(src).body[0]
    assert [a.arg for a in fn.args.args] == ["x", "h_prev", "W", "U", "b"]
    doc = ast.get_docstring(fn)
    assert "- activation:" not in doc
    assert 'Your variant fixes activation = "relu"' in doc
    body = src.split(BEGIN)[1]
    assert body.strip().startswith('activation = "relu"')


def test_calls_to_fixed_functions_drop_the_argument():
    """Does the solution rnn_forward call rnn_step_forward without the activation argument?"""
    src = render_function(lookup("reference.rnn", "rnn_forward").source, FIXED, {"activation": "tanh"}, PARAMS)
    calls = [n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call)
             and getattr(n.func, "id", None) == "rnn_step_forward"]
    assert len(calls) == 1 and len(calls[0].args) == 5 and not calls[0].keywords


def test_unfixed_function_is_unchanged_but_marked():
    """Is a function without fixed parameters copied verbatim between its markers?"""
    ref = lookup("reference.rnn", "rnn_step_backward").source
    src = render_function(ref, FIXED, {"activation": "tanh"}, PARAMS)
    assert src.replace(f"    {BEGIN}\n", "").replace(f"\n    {END}", "") == ref


def test_keyword_argument_is_dropped():
    """Is a fixed parameter passed by keyword removed too?"""
    src = 'def f(x):\n    """Doc."""\n    return g(x, 1, activation=act)\n'
    out = render_function(src, {"g": ("activation",)}, {}, {"g": ["x", "y", "activation"]})
    assert "g(x, 1)" in out


def test_given_code_follows_dependencies():
    """Does the rnn notebook get Dims, ACTIVATIONS and their helpers, but none of the blanks?"""
    blanks = {"rnn_step_forward", "rnn_forward"}
    found = collect(["reference.rnn:rnn_step_forward", "reference.rnn:rnn_forward"], blanks)
    names = [d.name for d in found.given]
    assert {"Dims", "ACTIVATIONS", "tanh_forward", "RNN_ACTIVATIONS", "choice"} <= set(names)
    position = {d.key: i for i, d in enumerate(found.given)}
    for i, d in enumerate(found.given):  # every helper comes after the helpers it uses
        for used in d.uses:
            dep = lookup(d.module, used)
            assert position.get(dep.key, -1) < i
    assert not blanks & set(names)
    assert "import numpy as np" in found.imports
    assert set(found.blanks) == blanks


def test_given_code_may_not_use_a_blank():
    """Is it an error when given code would need a function students write?"""
    with pytest.raises(ValueError, match="uses relu_forward, which students write"):
        collect(["reference.activations:ACTIVATIONS"], {"relu_forward"})


def test_name_clash_is_an_error(tmp_path, monkeypatch):
    """Would two helpers with one name from two modules be refused?"""
    for name, body in (("clash_a", "_T = 1\ndef f():\n    return _T\n"), ("clash_b", "_T = 2\ndef g():\n    return _T\n")):
        (tmp_path / f"{name}.py").write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="two definitions of '_T'"):
        collect(["clash_a:f", "clash_b:g"], set())
