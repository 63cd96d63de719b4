"""A model trained with --count-dirichlet says so in train's summary and in info (issue 57: it said
nothing, so two models that differ only there looked alike)."""

from __future__ import annotations


def test_dirichlet_smoothing_is_said_by_train_and_info(invoke, novel_slice, tmp_path):
    args = ["train", novel_slice, "--dim", "16", "--epochs", "1", "--min-count", "3", "--count-dim", "8"]
    r = invoke([*args, "-o", tmp_path / "d", "--count-dirichlet", "0.0001"])
    assert r.exit_code == 0, r.stderr
    assert "Dirichlet-smoothed (pseudo-count 0.0001)" in r.stderr
    info = invoke(["info", "-m", tmp_path / "d"])
    assert info.exit_code == 0 and "Dirichlet-smoothed PPMI (pseudo-count 0.0001)" in info.stdout, info.stdout
    plain = invoke([*args, "-o", tmp_path / "p"])
    assert plain.exit_code == 0 and "Dirichlet" not in plain.stderr
    assert "Dirichlet" not in invoke(["info", "-m", tmp_path / "p"]).stdout
