"""w2vkit.errors: messages name parameters as a Python caller knows them, and the command line fills
in its flags, for errors and for log lines (Named) alike."""

import logging

import pytest

from w2vkit.errors import Named, OptionError, UnknownWordError


def test_a_named_message_names_parameters_and_switches_turned_off():
    message = Named("found %d words (%s; {no_discover} to stop, or lower {min_count})", "no_discover", "min_count")
    assert str(message) == "found %d words (%s; discover=False to stop, or lower min_count)"
    assert message.named(lambda p: f"<{p}>") == "found %d words (%s; <no_discover> to stop, or lower <min_count>)"
    # only the fields of the parameters given: a corpus's braces stay
    assert str(Named("{word} and {min_count}", "min_count")) == "{word} and min_count"


def test_a_log_line_names_parameters_in_python_and_flags_on_the_command_line(invoke, tmp_path, caplog):
    # dictionary detection logs a Named line: Python sees auto_dict=False, the command line --no-auto-dict
    from w2vkit.text.segmenting.pipeline import segment_corpus
    from w2vkit.text.segmenting.segment import SegmentOptions

    text = tmp_path / "t.txt"
    text.write_text("孙悟空 猪八戒 沙僧 唐僧 观音 花果山。\n" * 50, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="w2vkit"):
        segment_corpus([str(text)], tmp_path / "lib", SegmentOptions(discover=False), jobs=1)
    assert "(t.txt looks like its work; auto_dict=False to stop)" in caplog.text
    # (the command configures logging afresh: after the library's part)
    r = invoke(["segment", text, "-o", tmp_path / "out", "--no-discover"])
    assert r.exit_code == 0, r.stderr
    assert "(t.txt looks like its work; --no-auto-dict to stop)" in r.stderr


def test_an_unknown_words_message_is_made_when_shown_and_keeps_its_fields():
    made = []

    def make():
        made.append(1)
        return Named("'x' is not in the model (retrain with {min_count} 2 to keep it)", "min_count")

    error = UnknownWordError(make, "x")
    assert made == []
    assert error.named(lambda p: "--min-count") == "'x' is not in the model (retrain with --min-count 2 to keep it)"
    assert str(error) == "'x' is not in the model (retrain with min_count 2 to keep it)" and made == [1]


def test_an_option_errors_python_text_names_a_switch_off():
    with pytest.raises(OptionError, match=r"^give discover=False$"):
        raise OptionError("give {no_discover}", "no_discover")
