"""The explorer's server (w2vkit.explore.server) through Starlette's TestClient, and `w2vkit
explore` as a process: the token, the Host check, no CORS, bounded requests, answers equal to
the questions' own, slow questions answered "still working", and a model or table that fails
answered with one line while the server serves on. Needs the explore extra (pytest -m explore)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from conftest import WORDS, model_with_members

from w2vkit.explore.questions import Session, answer

pytestmark = pytest.mark.explore

TOKEN = "t0ken-for-tests"
HOST = "127.0.0.1:8765"


def client_for(session, wait=8.0):
    from starlette.testclient import TestClient

    from w2vkit.explore.server import allowed_hosts, make_app

    return TestClient(make_app(session, TOKEN, allowed_hosts("127.0.0.1", 8765), wait=wait), base_url=f"http://{HOST}")


@pytest.fixture
def members(tmp_path):
    return model_with_members(tmp_path)


def test_without_the_token_or_from_another_host_nothing_is_answered(members):
    client = client_for(Session(members))
    assert client.get("/").status_code == 403
    assert client.get("/api/similar", params={"word": WORDS[0]}).status_code == 403
    assert client.get("/api/similar", params={"word": WORDS[0], "token": "wrong"}).status_code == 403
    evil = client.get("/", params={"token": TOKEN}, headers={"host": "attacker.example:8765"})
    assert evil.status_code == 421  # (a DNS-rebinding page's Host)
    assert client.post("/api/similar", params={"token": TOKEN}).status_code == 405
    assert client.get("/api/similar", params={"token": TOKEN, "word": "x" * 9000}).status_code == 414


def test_the_page_sets_a_strict_cookie_that_answers_for_the_token(members):
    client = client_for(Session(members))
    page = client.get("/", params={"token": TOKEN})
    assert page.status_code == 200 and "<title>w2vkit explore</title>" in page.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert client.get("/static/explore.js").status_code == 200  # (the cookie now)
    assert client.get("/api/about").status_code == 200


def test_every_answer_carries_the_policy_and_no_cors_header(members):
    client = client_for(Session(members))
    for path in ["/", "/static/explore.js", "/api/about", "/api/similar?word=nothing"]:
        response = client.get(path, params={"token": TOKEN}, headers={"origin": "https://attacker.example"})
        assert not any(k.lower().startswith("access-control-") for k in response.headers), path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_only_the_pages_own_files_are_served(members):
    client = client_for(Session(members))
    for path in ["/static/server.py", "/static/..%2Fserver.py", "/static/%2E%2E/questions.py", "/etc/passwd"]:
        assert client.get(path, params={"token": TOKEN}).status_code == 404, path


def test_the_answer_is_the_questions_own(members):
    session = Session(members)
    client = client_for(session)
    got = client.get("/api/similar", params={"token": TOKEN, "word": WORDS[0], "topn": "5"})
    assert got.status_code == 200
    assert got.json() == json.loads(json.dumps(answer(Session(members), "similar", {"word": WORDS[0], "topn": "5"})))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"word": "没有这个词"}, "is not in the model"),
        ({"word": ""}, "give word"),
        ({"word": "字" * 500}, "too long"),
        ({"word": WORDS[0], "topn": "-1"}, "topn must be from 1"),
    ],
)
def test_bad_questions_get_one_line_and_the_server_serves_on(members, params, message):
    client = client_for(Session(members))
    got = client.get("/api/similar", params={"token": TOKEN, **params})
    assert got.status_code == 400
    error = got.json()["error"]
    assert message in error and "\n" not in error and "Traceback" not in error
    assert client.get("/api/similar", params={"token": TOKEN, "word": WORDS[1]}).status_code == 200


def test_a_model_that_fails_its_checks_is_one_line_on_each_question(tmp_path):
    folder = model_with_members(tmp_path)
    vectors = folder / "vectors.npy"
    data = np.load(vectors)
    data[0, 0] += 1  # (its checksum no longer matches)
    np.save(vectors, data)
    client = client_for(Session(folder))
    assert client.get("/", params={"token": TOKEN}).status_code == 200
    for _ in range(2):
        got = client.get("/api/similar", params={"token": TOKEN, "word": WORDS[0]})
        assert got.status_code == 400 and "vectors.npy" in got.json()["error"]


def test_a_slow_question_is_answered_still_working_then_kept(halves):
    model, table = halves
    client = client_for(Session(model, table=table, by="half", block="chapter"), wait=0.0)
    params = {"token": TOKEN, "words": "菩萨"}  # (seen 96 and 144 times in the halves)
    first = client.get("/api/contrast", params=params)
    assert first.status_code == 202 and "still working on contrast" in first.json()["message"]
    for _ in range(600):
        got = client.get("/api/contrast", params=params)
        if got.status_code != 202:
            break
        time.sleep(0.1)
    assert got.status_code == 200
    rows = got.json()["result"]["results"]
    assert [r["group"] for r in rows] == ["前", "后"] and rows[1]["p"] is not None
    assert "--in" in got.json()["command"]


def test_a_table_without_the_column_is_one_line(halves):
    model, table = halves
    client = client_for(Session(model, table=table, by="period"), wait=60)
    got = client.get("/api/contrast", params={"token": TOKEN, "words": "行者"})
    assert got.status_code == 400 and "period" in got.json()["error"] and "\n" not in got.json()["error"]


def test_the_map_is_plots_own_page(halves):
    model, _ = halves
    client = client_for(Session(model), wait=120)
    got = client.get("/map", params={"token": TOKEN, "top": "300", "clusters": "4"})
    assert got.status_code == 200 and "unsafe-inline" in got.headers["content-security-policy"]
    data = json.loads(got.text.split('<script id="map-data" type="application/json">')[1].split("</script>")[0])
    assert len(data["words"]) == 300 and len(data["groups"]) == 4


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
        with urllib.request.urlopen(f"{base}/api/similar?word=%E8%A1%8C%E8%80%85&token={token}", timeout=30) as r:
            assert json.load(r)["result"]["query"][0]["word"] == "行者"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in process.stderr.read()


def test_explore_usage_errors(invoke, members):
    result = invoke(["explore", "-m", str(members), "--by", "half", "--no-browser"])
    assert result.exit_code == 2 and "give --in TABLE and --by COLUMN together" in result.output
    missing = invoke(["explore", "-m", str(members), "--in", "nosuch.tsv", "--by", "half", "--no-browser"])
    assert missing.exit_code == 2 and "nosuch.tsv: no such table file" in missing.output
