"""Shared fixtures: paths to the shared corpora and evaluation sets, and a CLI runner."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("W2VKIT_SHARED", ROOT.parent / "shared"))
XIYOUJI = SHARED / "corpora" / "xiyouji.txt"
ENWIKI = SHARED / "corpora" / "enwiki-text8style-100M.txt.gz"
EVAL_ZH = SHARED / "eval" / "zh"


@pytest.fixture(scope="session")
def xiyouji_path():
    assert XIYOUJI.is_file(), f"shared corpus missing: {XIYOUJI} (set W2VKIT_SHARED)"
    return XIYOUJI


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, args, **kw):
    """Run the CLI in-process; stderr is captured separately from stdout."""
    from w2vkit.cli import cli

    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)
