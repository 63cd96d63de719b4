"""w2vkit.base.progress: a log (stderr a file) gets progress lines at a steady pace; -q none; a
terminal gets tqdm's bar (not tested here: no terminal)."""

import re
import subprocess
import sys

import pytest

from w2vkit.base.progress import LogProgress


def test_log_lines_come_every_tenth_and_not_more_often(monkeypatch, capsys):
    monkeypatch.setenv("W2VKIT_PROGRESS_SECONDS", "0")
    bar = LogProgress(1000, "train", "w", False)
    for _ in range(100):
        bar.update(10)
    bar.close()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("train: 100% (1.0k/1.0k w)")
    assert all(re.match(r"train: \d+% \(.+/1\.0k w\), .+ w/s, ETA \d+ s$", line) for line in lines)


def test_a_short_job_in_a_log_prints_nothing(capsys):
    bar = LogProgress(1000, "train", "w", False)  # the default interval: 30 s
    bar.update(1000)
    bar.close()
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_train_with_stderr_to_a_file_logs_progress_and_q_silences_it(tmp_path):
    args = [
        sys.executable,
        "-m",
        "w2vkit",
        "train",
        "xiyouji",
        "--epochs",
        "3",
        "--dim",
        "8",
        "--no-subwords",
        "--method",
        "word2vec",
    ]
    env = {"W2VKIT_PROGRESS_SECONDS": "0", "W2VKIT_CACHE": str(tmp_path / "cache")}
    import os

    env = dict(os.environ, **env)
    with open(tmp_path / "log.txt", "w") as log:
        subprocess.run([*args, "-o", str(tmp_path / "m")], stderr=log, env=env, check=True, cwd=tmp_path)
    text = (tmp_path / "log.txt").read_text()
    assert len(re.findall(r"^segment: \d+%", text, re.M)) >= 1
    assert len(re.findall(r"^train: \d+% .* ETA \d+ s", text, re.M)) >= 3, text
    assert "PROGRESS: at" not in text  # gensim's own log stays out
    with open(tmp_path / "quiet.txt", "w") as log:
        subprocess.run([*args, "-o", str(tmp_path / "m2"), "-q"], stderr=log, env=env, check=True, cwd=tmp_path)
    assert (tmp_path / "quiet.txt").read_text() == ""
