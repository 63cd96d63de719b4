"""w2vkit.findings.axes: the axis's scores against the cosine worked out by hand, both ends of the
vocabulary, and the anchors' warnings as the result's notes (named for the caller's front end)."""

from __future__ import annotations

import json

import numpy as np

from w2vkit.findings.axes import axis


def test_scores_are_cosines_with_the_poles_difference_and_the_ends_are_the_vocabularys(engine):
    positive, negative = ["行者", "大圣"], ["师父", "唐僧"]
    result = axis(engine, positive, negative, topn=5, min_count=3)
    unit = np.asarray(engine.unit, dtype=np.float64)
    index = engine.model.index
    direction = unit[[index[w] for w in positive]].mean(axis=0) - unit[[index[w] for w in negative]].mean(axis=0)
    direction /= np.linalg.norm(direction)
    by_hand = unit @ direction
    eligible = np.asarray(engine.model.counts) >= 3
    eligible[[index[w] for w in positive + negative]] = False
    order = np.flatnonzero(eligible)[np.argsort(-by_hand[eligible], kind="stable")]
    rows = result.records()
    assert [r["word"] for r in rows] == [engine.model.words[i] for i in [*order[:5], *order[-5:]]]
    np.testing.assert_allclose([r["score"] for r in rows], by_hand[[*order[:5], *order[-5:]]], atol=1e-5)


def test_one_word_poles_are_a_warning_note_naming_the_option_once(engine, invoke, small_model):
    result = axis(engine, ["行者"], ["师父"], ["八戒", "唐僧"])  # (the anchors are checked for words placed)
    warned = [n for n in result.notes if n.kind == "warning" and "poles are one word each" in n.template]
    assert len(warned) == 1 and warned[0].params == ("pairs",)
    message = next(n["message"] for n in result.to_dict()["notes"] if "poles are one word each" in n["message"])
    assert "(or pairs)" in message and not message.startswith("warning")
    r = invoke(["axis", "行者", "--vs", "师父", "-w", "八戒", "-w", "唐僧", "-m", small_model, "--format", "json"])
    assert r.exit_code == 0, r.output
    assert r.stderr.count("warning: the poles are one word each") == 1 and "(or --pairs)" in r.stderr
    assert any("poles are one word each" in n["message"] for n in json.loads(r.stdout)["notes"])
