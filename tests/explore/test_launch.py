"""`w2vkit explore` as a user starts it (w2vkit.explore.launch): refused in one line before
serving, then served until Ctrl-C with no process left behind, and nothing on any command line
that opens it again. Needs the explore extra (pytest -m explore)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import model_with_members

pytestmark = pytest.mark.explore


@pytest.fixture
def members(tmp_path):
    return model_with_members(tmp_path)


def test_explore_serves_until_interrupted_and_leaves_no_process(halves, tmp_path):
    model, _ = halves
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "w2vkit", "explore", "-m", str(model), "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "token=" in url
        base, token = url.split("/?token=")
        with urllib.request.urlopen(f"{base}/api/similar?positive=%E8%A1%8C%E8%80%85&token={token}", timeout=30) as r:
            assert json.load(r)["result"]["query"][0]["word"] == "行者"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in process.stderr.read()


def test_explore_usage_errors(invoke, members, tmp_path):
    result = invoke(["explore", "-m", str(members), "--by", "half", "--no-browser"])
    assert result.exit_code == 2 and "give --in TABLE and --by COLUMN together" in result.output
    missing = invoke(["explore", "-m", str(members), "--in", "nosuch.tsv", "--by", "half", "--no-browser"])
    assert missing.exit_code == 2 and "nosuch.tsv: no such table file" in missing.output
    fifo = tmp_path / "fifo.tsv"
    os.mkfifo(fifo)
    piped = invoke(["explore", "-m", str(members), "--in", str(fifo), "--by", "half", "--no-browser"])
    assert piped.exit_code == 2 and f"{fifo}: not a regular file" in piped.stderr
    empty = invoke(["explore", "-m", str(members), "--host", "", "--no-browser"])
    assert empty.exit_code == 2 and "--host is empty" in empty.stderr


def test_explore_refuses_a_missing_model_before_serving(invoke, tmp_path):
    a_file = tmp_path / "table.tsv"
    a_file.write_text("text\n", encoding="utf-8")
    for path in [tmp_path / "nosuch", a_file]:
        result = invoke(["explore", "-m", str(path), "--no-browser"])
        assert result.exit_code == 1 and result.stderr == f"Error: {path}: no such model directory\n", path


STAND_IN_BROWSER = """
import os, sys, time, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as r:  # (as a browser would: the page, through the redirect)
    with open(sys.argv[2] + ".part", "w") as f:  # (whole, then renamed: the test reads it once it exists)
        f.write(str(r.status) + " " + r.geturl())
    os.replace(sys.argv[2] + ".part", sys.argv[2])
time.sleep(60)
"""


def test_nothing_on_any_command_line_opens_the_explorer_again(halves, tmp_path):
    """The browser's command line is readable by every local user (/proc/PID/cmdline): what the
    explorer puts there opens nothing once the browser has used it, and the token is not there."""
    import re

    model, _ = halves
    browser = tmp_path / "browser.py"
    browser.write_text(STAND_IN_BROWSER, encoding="utf-8")
    opened = tmp_path / "opened.txt"
    env = dict(os.environ, PYTHONUNBUFFERED="1", BROWSER=f"{sys.executable} {browser} %s {opened}")
    process = subprocess.Popen(
        [sys.executable, "-m", "w2vkit", "explore", "-m", str(model), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        url = process.stdout.readline().strip()
        token = url.split("token=")[1]
        port = url.split(":")[2].split("/")[0]
        end = time.monotonic() + 60
        while not opened.exists() and time.monotonic() < end:
            time.sleep(0.1)
        status, landed = opened.read_text().split(" ", 1)
        assert status == "200" and landed.endswith(f"/?token={token}")  # (the user's browser got the page)
        lines = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
            except OSError:
                continue
        assert not any(token in line for line in lines)
        found = [u for line in lines for u in re.findall(rf"http://[^\s]*:{port}/[^\s]*", line)]
        assert found, "the stand-in browser's command line names the explorer's address"
        for address in found:
            try:
                urllib.request.urlopen(address, timeout=10)
                raise AssertionError(f"{address} opened the explorer a second time")
            except urllib.error.HTTPError as e:
                assert e.code == 403
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def test_columns_the_table_lacks_or_without_a_table_are_refused_before_serving(halves, invoke):
    from w2vkit.errors import UsageError
    from w2vkit.explore.launch import explore

    model, table = halves
    with pytest.raises(UsageError, match="no column 'author' for"):
        explore(model, table=table, by="half", columns=["author"], open_browser=False)
    lone = invoke(["explore", "-m", model, "--columns", "chapter", "--no-browser"])
    assert lone.exit_code == 2 and "--columns names columns of --in: give --in TABLE too" in lone.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        # round 8's X04, X07, X09: settings every question would refuse are said before serving
        (["--by", "nosuch"], "no column 'nosuch' for --by; its columns are 'half', 'chapter', 'text'"),
        (["--by", "half", "--groups", "前,明"], "no row has half='明' for --groups; give values of the column"),
        (["--by", "half", "--groups", "前,前"], "--groups names '前' twice: give each group once"),
        # X05: --split-blocks without --block
        (["--by", "half", "--split-blocks"], "--split-blocks splits the blocks of --block: give --block COLUMN"),
    ],
)
def test_table_settings_every_question_would_refuse_are_refused_before_serving(halves, invoke, args, message):
    model, table = halves
    r = invoke(["explore", "-m", model, "--in", table, *args, "--no-browser"])
    assert r.exit_code == 2 and r.stderr.startswith("Error: ") and message in r.stderr, r.stderr
    assert "\n" not in r.stderr.strip()


def test_groups_without_a_table_name_the_options_not_placeholders(halves, invoke):
    """Round 8's X06: the message printed {table} and {by}."""
    model, _ = halves
    r = invoke(["explore", "-m", model, "--groups", "唐,宋", "--no-browser"])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: --groups names the groups of --in's --by column: give --in, --by and A,B\n",
    )


def test_a_host_that_is_no_address_here_is_said_as_the_host_without_the_wide_warning(halves, invoke):
    """Round 8's X11: `--host localhost.` got the warning for a host open to others, then a hint
    about the port."""
    model, _ = halves
    r = invoke(["explore", "-m", model, "--host", "no-such-host.invalid", "--no-browser"])
    assert r.exit_code == 2 and "not only this machine" not in r.stderr, r.stderr
    assert r.stderr.startswith("Error: cannot listen on no-such-host.invalid (") and r.stderr.endswith(
        "not an address of this machine; give another --host (127.0.0.1: this machine only)\n"
    ), r.stderr


def test_with_a_table_the_address_is_printed_before_the_table_is_read(halves, monkeypatch):
    """The page is served first and the table read behind it: the whole poetry table took 18.7 s
    to read and cut before the address was printed, for the map's colours."""
    import threading

    import w2vkit.explore.launch as launch
    import w2vkit.explore.server as server
    import w2vkit.findings.leaning as leaning

    model, table = halves
    printed, seen = threading.Event(), []
    real = leaning.leanings

    def table_read(*args, **kwargs):  # (the map's colours: was the address out before the table was read?)
        seen.append(printed.wait(20))
        return real(*args, **kwargs)

    def served(app, sock, ready):
        ready("")
        sock.close()

    monkeypatch.setattr(leaning, "leanings", table_read)
    monkeypatch.setattr(server, "serve", served)
    monkeypatch.setattr(launch, "MAP_WARM_WAIT", 40.0)  # (a slow map is waited for this long)
    launch.explore(model, table=table, by="half", open_browser=False, say=lambda url: printed.set())
    assert printed.is_set()
    for _ in range(200):
        if seen:
            break
        time.sleep(0.1)
    assert seen == [True]
