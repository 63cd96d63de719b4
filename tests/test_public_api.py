"""The public API (w2vkit.__all__) is documented and typed: each name has a numpydoc docstring
whose Parameters section names every parameter, with Returns (functions), Raises and Examples
sections, and every parameter and return carries a type hint. `help(w2vkit.train)` is what a
user reads first."""

import inspect
import re

import pytest

import w2vkit

PUBLIC = [name for name in w2vkit.__all__ if name != "__version__"]


def _documented_parameters(doc: str) -> set[str]:
    """The names the Parameters section declares ("a, b : type" and "*params : str" lines)."""
    section = re.search(r"Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S)
    assert section, "no Parameters section"
    names = set()
    for line in section.group(1).splitlines():
        if line and not line.startswith(" ") and " : " in line:
            names |= {n.strip().lstrip("*") for n in line.split(" : ")[0].split(",")}
    return names


def _signature_of(obj):
    sig = inspect.signature(obj)
    return [p for p in sig.parameters.values() if p.name != "self" and not p.name.startswith("_")], sig


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_has_a_numpydoc_docstring_naming_each_parameter(name):
    obj = getattr(w2vkit, name)
    doc = inspect.getdoc(obj) or ""
    params, _ = _signature_of(obj)
    if params:
        assert _documented_parameters(doc) == {p.name for p in params}, name
    sections = ["Examples"] + ([] if name == "W2vkitError" or name == "Model" else ["Raises"])
    if not inspect.isclass(obj):
        sections.append("Returns")
    for section in sections:
        assert re.search(rf"^{section}\n-+$", doc, re.M), f"{name}: no {section} section"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_parameter_and_return_is_typed(name):
    obj = getattr(w2vkit, name)
    params, sig = _signature_of(obj)
    untyped = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    assert untyped == [], f"{name}: {untyped}"
    if not inspect.isclass(obj):
        assert sig.return_annotation is not inspect.Signature.empty, name


def test_help_of_train_shows_every_parameter():
    import pydoc

    text = pydoc.render_doc(w2vkit.train, renderer=pydoc.plaintext)
    for parameter in inspect.signature(w2vkit.train).parameters:
        assert f"\n    {parameter} : " in text, parameter


# The defaulted parameters a caller may still pass by position: what the call is about (where a
# model goes, which words), not how it is done.
POSITIONAL_DEFAULTS = {
    "train": {"output", "options", "seg_options"},
    "segment_corpus": {"options"},
    "plot": {"output", "words"},
    "compare": {"words"},
    "similar": {"negative"},
    "axis": {"words"},
    "contrast": {"words", "path"},  # (optional so that a scan needs no words, and every front end reads one signature)
    "Embedder": {"method"},
}


@pytest.mark.parametrize("name", PUBLIC)
def test_options_are_keyword_only(name):
    obj = getattr(w2vkit, name)
    if inspect.isclass(obj) and name in ("Model", "SegmentOptions", "TrainOptions", "W2vkitError"):
        return  # dataclasses of options (every field an option by name) and the error's message
    params, _ = _signature_of(obj)
    positional = [
        p.name
        for p in params
        if p.default is not inspect.Parameter.empty
        and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        and p.name not in POSITIONAL_DEFAULTS.get(name, set())
    ]
    assert positional == [], f"{name}: {positional} should be keyword-only"
