"""w2vkit.base.optiontable: every segmentation and training option is declared once. The option classes'
fields and defaults, and the click options of `segment` and `train`, all come from its rows; the
command line and the library refuse the same values."""

import dataclasses

import click
import pytest

from w2vkit.base.optiontable import SEGMENT, TRAIN
from w2vkit.errors import OptionError
from w2vkit.text.segmenting.segment import SegmentOptions
from w2vkit.training.trainoptions import TrainOptions

TABLES = [(SegmentOptions, SEGMENT), (TrainOptions, TRAIN)]


@pytest.mark.parametrize(("cls", "table"), TABLES)
def test_the_option_classes_fields_are_the_tables_rows_with_its_defaults(cls, table):
    fields = {f.name: f.default for f in dataclasses.fields(cls)}
    assert set(fields) == set(table)
    assert {name: table[name].default for name in table} == fields


def _command(name):
    from w2vkit.cli import cli

    return cli.get_command(click.Context(cli), name)


@pytest.mark.parametrize(("command", "tables"), [("segment", [SEGMENT]), ("train", [SEGMENT, TRAIN])])
def test_each_click_option_of_a_library_parameter_is_made_from_its_row(command, tables):
    params = [p for p in _command(command).params if isinstance(p, click.Option)]
    by_name = {}
    for p in params:
        by_name.setdefault(p.name, []).append(p)
    for table in tables:
        for name, option in table.items():
            if not option.flags:
                assert name not in by_name
                continue
            (param,) = by_name[name]  # one click option per library parameter
            declared = [flag for decl in option.flags for flag in decl.split("/")]
            assert param.opts + param.secondary_opts == declared
            assert param.help.startswith(option.help.rstrip("."))
            assert param.default is None or param.multiple  # (unset: None, and the library's default applies)
            shows_default = option.default not in (None, ()) and option.kind not in ("switch", "flag")
            if shows_default:  # (--help names the library's default)
                shown = (
                    next(w for w, v in option.values.items() if v == option.default)
                    if option.values
                    else option.default
                )
                assert f"[default: {shown}]" in param.help
            if option.kind == "number":
                low, high = param.type.min, param.type.max
                from w2vkit.base.limits import LIMITS

                assert (low, high) == LIMITS[option.limit or name][:2]
            if option.kind == "choice":
                assert tuple(param.type.choices) == option.choices


def _bad_values(option):
    from w2vkit.base.limits import LIMITS

    if option.kind == "choice":
        return ["nonsense"]
    if option.kind == "number":
        low, high, integer, _ = LIMITS[option.limit or option.name]
        values = []
        if low is not None:
            values.append(low - 1)
        if high is not None:
            values.append(high * 2 if integer else high + 1.0)
        return values
    if option.kind == "weight":
        return [1.5]
    return []


CASES = [
    (table_name, name, bad)
    for table_name, table in (("segment", SEGMENT), ("train", TRAIN))
    for name, option in table.items()
    if option.flags
    for bad in _bad_values(option)
]


@pytest.mark.parametrize(("table_name", "name", "bad"), CASES)
def test_the_command_line_and_the_library_refuse_the_same_values(invoke, tmp_path, table_name, name, bad):
    table, cls = (SEGMENT, SegmentOptions) if table_name == "segment" else (TRAIN, TrainOptions)
    with pytest.raises(OptionError) as refused:
        cls(**{name: bad})
    assert name in str(refused.value)
    flag = table[name].flags[0].split("/")[0]
    corpus = tmp_path / "c.txt"
    corpus.write_text("一 二 三\n", encoding="utf-8")
    r = invoke(["train", corpus, "-o", tmp_path / "m", flag, str(bad)])
    assert r.exit_code == 2 and flag in r.stderr and r.stderr.startswith(("Error: ", "Usage: ")), r.stderr
    assert not (tmp_path / "m").exists()


def test_one_rule_for_defaults_a_value_given_is_never_replaced():
    """Unset is None, resolved() fills it from the kind of input, then the corpus's size; a value the
    caller gave, even one equal to the text default, is kept for items (train --items --arch cbow
    --min-count 5 once trained skip-gram with min-count 1), and the other way round."""
    from w2vkit.base.choices import ITEM_DEFAULTS, ITEMS_LANGUAGE
    from w2vkit.training.trainoptions import TrainOptions

    tokens = 200_000
    text = TrainOptions().resolved(tokens, "zh")
    items = TrainOptions().resolved(tokens, ITEMS_LANGUAGE)
    for name, item_default in ITEM_DEFAULTS.items():
        assert getattr(items, name) == item_default, name
        text_default = getattr(text, name)
        if text_default is None:  # (ns_exponent: None is gensim's own 0.75)
            text_default = 0.75
        assert text_default != item_default, name  # (else the case below would test nothing)
        kept = TrainOptions(**{name: text_default}).resolved(tokens, ITEMS_LANGUAGE)
        assert getattr(kept, name) == text_default, name
        kept = TrainOptions(**{name: item_default}).resolved(tokens, "zh")
        assert getattr(kept, name) == item_default, name


def test_train_items_keeps_the_architecture_and_min_count_given(invoke, tmp_path):
    import json

    seqs = tmp_path / "seqs.txt"
    seqs.write_text("\n".join(" ".join(f"i{(k * 7 + j) % 40}" for j in range(12)) for k in range(300)) + "\n")
    r = invoke(["train", "--items", seqs, "-o", tmp_path / "m", "--arch", "cbow", "--min-count", "5", "--epochs", "1"])
    assert r.exit_code == 0, r.stderr
    chosen = json.loads((tmp_path / "m" / "meta.json").read_text())["hyperparameters"]
    assert (chosen["arch"], chosen["min_count"]) == ("cbow", 5)


def test_the_maps_clusters_are_bounded_alike_on_the_command_line_and_the_page():
    from w2vkit.base.choices import MAX_CLUSTERS
    from w2vkit.base.limits import LIMITS

    assert LIMITS["clusters"][1] == MAX_CLUSTERS
