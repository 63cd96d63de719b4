"""w2vkit.model.metacheck: the metadata of every kind of model w2vkit saves passes; each kind of damage
is named by its dotted field."""

import json

import pytest

from w2vkit.errors import CorruptModelError
from w2vkit.model.metacheck import check_meta


def test_a_trained_models_meta_passes(small_model):
    check_meta(json.loads((small_model / "meta.json").read_text(encoding="utf-8")), "meta.json")


@pytest.mark.parametrize(
    "meta, message",
    [
        ({"dim": True}, "field 'dim' should be a whole number, not a boolean"),
        ({"corpus": {"inputs": []}}, "field 'corpus.tokens' is missing"),
        ({"corpus": {"tokens": 3, "inputs": [{}]}}, "field 'corpus.inputs[0].path' is missing"),
        ({"timings": {"train_seconds": "fast"}}, "field 'timings.train_seconds' should be a number, not a string"),
        ({"segmentation": {"max_line_tokens": 0}}, "should be a whole number of at least 1, not 0"),
        ([1], "not a JSON object"),
        (
            {"corpus": {"tokens": 3, "inputs": [{"path": "t.tsv", "where": {"period": ["唐"]}}]}},
            "field 'corpus.inputs[0].where.period' should be a string, not a list",
        ),
        ({"corpus": {"tokens": 3, "inputs": [{"path": "t.tsv", "where": "period=唐"}]}}, "where' should be an object"),
        ({"background": {"model": {"path": 3, "vectors_sha256": "ab"}}}, "'background.model.path' should be a string"),
        ({"background": {"model": {"path": "m"}}}, "field 'background.model.vectors_sha256' is missing"),
        ({"background": {"inputs": [{"path": "b.txt", "sha256": "ab"}]}}, "field 'background.tokens' is missing"),
        ({"background": {}}, "field 'background.inputs' is missing"),
    ],
)
def test_damage_is_named(meta, message):
    with pytest.raises(CorruptModelError, match=message.replace("[", r"\[").replace("(", r"\(")):
        check_meta(meta, "m/meta.json")


def test_null_where_older_models_wrote_nothing_is_accepted():
    check_meta({"hyperparameters": {"window": None, "alpha": None}, "gensim_version": None}, "meta.json")
    check_meta({"corpus": {"tokens": 5}, "member": {"number": 1}}, "members/01/meta.json")  # a member's
    check_meta({"corpus": {"tokens": 3, "inputs": [{"path": "t.tsv", "where": {"period": "唐"}}]}}, "meta.json")
