"""The explorer's speed (`w2vkit explore`, issue 59), measured on the real command in a new process.

For each model: `w2vkit explore --no-browser` is started and the clock starts when it prints its
address (the model is loaded then). Measured:

1. first paint: Chromium (Playwright, already running) opens a word's page; the time until the
   page has drawn the neighbours' table and picture (body[data-ready=1]; on a machine with no CJK
   font the bundled one arrives after). Target <= 1 s.
2. each further question: the round trip of the page's own requests to 127.0.0.1 (neighbours of
   other words under both rankings, a neighbourhood, a neighbour's passages, an analogy, an
   expansion, an axis), median and slowest. Target <= 150 ms, <= 300 ms with 10 members. Beside
   it, in the same run, the library's own call in this process (the server's overhead is the
   ratio) and gensim's most_similar on the same vectors (the reference for a neighbours query).
3. the whole-model map's first paint (the map of explore's default 2,000 words). Target <= 3 s.

Models: the one given with --model (the built-in novel's, trained with --bootstrap 10 for the
members' case), and a generated one of --big words (random vectors, --members noisy copies).

    python benchmarks/explore.py --model models/xiyouji-b10 [--big 100000] [--members 10]
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"


def generated_model(folder: Path, n: int, dim: int, members: int) -> tuple[Path, list[str]]:
    """A model of n words w000000... with `members` noisy copies, saved as train --bootstrap saves them."""
    from w2vkit.model.members import member_dir
    from w2vkit.model.store import save_model, write_model_files

    rng = np.random.default_rng(0)
    words = [f"w{i:06d}" for i in range(n)]
    counts = np.arange(n, 0, -1) + 10
    base = rng.normal(size=(n, dim)).astype(np.float32)
    path = save_model(folder / "big", words, counts, base, {})
    record = {"kind": "bootstrap", "unit": "chapter", "documents": 100, "members": []}
    for k in range(1, members + 1):
        target = member_dir(path, k)
        target.mkdir(parents=True)
        vectors = base + 0.5 * rng.normal(size=base.shape).astype(np.float32)
        saved = write_model_files(target, words, counts, vectors, {})
        record["members"].append({"path": f"members/{k:02d}", "vectors_sha256": saved["vectors_sha256"]})
    if members:
        meta = json.loads((path / "meta.json").read_text())
        meta["members"] = record
        (path / "meta.json").write_text(json.dumps(meta))
    return path, words


def start(model: Path) -> tuple[subprocess.Popen, str, float]:
    process = subprocess.Popen(
        [sys.executable, "-m", "w2vkit", "explore", "-m", str(model), "--no-browser", "-q"],
        stdout=subprocess.PIPE,
        text=True,
    )
    t = time.perf_counter()
    url = process.stdout.readline().strip()
    return process, url, time.perf_counter() - t


def get(url: str) -> tuple[float, dict]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read()
    return time.perf_counter() - t, json.loads(body)


def first_paints(url: str, word: str) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto("about:blank")  # (a browser already running, as the user's is: its own start is not the page's)
        t = time.perf_counter()
        page.goto(url + "&word=" + urllib.parse.quote(word))
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        word_page = time.perf_counter() - t
        base, token = url.split("/?token=")
        t = time.perf_counter()
        page.goto(f"{base}/map?token={token}")
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        map_page = time.perf_counter() - t
        browser.close()
    return word_page, map_page


def questions(words: list[str], with_text: bool) -> list[tuple[str, dict]]:
    a, b, c, d = words[:4]
    asked = []
    for w in words[4:14]:
        asked += [("similar", {"positive": w}), ("similar", {"positive": w, "rank": "ensemble"})]
        asked.append(("neighbourhood", {"positive": w}))
    asked += [("analogy", {"a": a, "b": b, "c": c}), ("expand", {"seeds": f"{a} {b}"})]
    asked += [
        ("axis", {"positive": a, "negative": b, "words": f"{c} {d}"}),
        ("doesnt-match", {"words": f"{a} {b} {c}"}),
    ]
    if with_text:
        asked += [("kwic", {"word": a, "near": b}), ("kwic", {"word": c, "near": d})]
    return asked


def library_time(model: Path, words: list[str]) -> tuple[float, float]:
    """Median seconds of the library's similar() in this process, and of gensim's most_similar."""
    from gensim.models import KeyedVectors

    from w2vkit.model.store import load_model
    from w2vkit.queries.ensemble import similar
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(model))
    similar(engine, words[0])
    ours = []
    for w in words[4:14]:
        t = time.perf_counter()
        similar(engine, w)
        ours.append(time.perf_counter() - t)
    kv = KeyedVectors(engine.vectors.shape[1])
    kv.add_vectors(list(engine.model.words), np.asarray(engine.vectors))
    kv.most_similar(words[0])
    theirs = []
    for w in words[4:14]:
        t = time.perf_counter()
        kv.most_similar(w, topn=10)
        theirs.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(theirs)


def measure(name: str, model: Path, words: list[str], with_text: bool, browser: bool) -> None:
    process, url, load = start(model)
    try:
        base, token = url.split("/?token=")
        members = get(f"{base}/api/about?token={token}")[1]["result"]["members"]
        word_page = map_page = None
        if browser:
            word_page, map_page = first_paints(url, words[4])
        times = {}
        for q, params in questions(words, with_text):
            seconds, body = get(f"{base}/api/{q}?" + urllib.parse.urlencode({**params, "token": token}))
            assert "result" in body, body
            times.setdefault(q, []).append(seconds)
    finally:
        process.terminate()
        process.wait(20)
    every = [s for v in times.values() for s in v]
    ours, gensim = library_time(model, words)
    target = 0.300 if members >= 10 else 0.150
    print(f"{name}: {members} members; the model loaded and the server ready in {load:.2f} s")
    if word_page is not None:
        print(f"  first paint of a word's page: {word_page:.2f} s (target <= 1 s)")
        print(f"  first paint of the whole-model map (2,000 words): {map_page:.2f} s (target <= 3 s)")
    print(
        f"  further questions ({len(every)}): median {1000 * statistics.median(every):.0f} ms, slowest "
        f"{1000 * max(every):.0f} ms (target <= {1000 * target:.0f} ms)"
    )
    for q, v in times.items():
        print(f"    {q:14s} median {1000 * statistics.median(v):6.1f} ms, slowest {1000 * max(v):6.1f} ms")
    server_similar = statistics.median(times["similar"])
    print(
        f"  similar: server {1000 * server_similar:.1f} ms, the library in-process {1000 * ours:.1f} ms "
        f"({server_similar / ours:.1f}x), gensim most_similar {1000 * gensim:.1f} ms ({server_similar / gensim:.1f}x)"
    )


def known_words(model: Path, wanted: list[str]) -> list[str]:
    """The wanted words the model has, then its most frequent words of two characters or more, 14 in all."""
    from w2vkit.model.store import load_model

    words = load_model(model).words
    have = set(words)
    found = [w for w in wanted if w in have]
    found += [w for w in words[:2000] if len(w) > 1 and w not in found][: max(0, 14 - len(found))]
    return found[:14]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/xiyouji", help="a model of the built-in novel (with members: 10)")
    p.add_argument(
        "--words",
        default="孙悟空,猪八戒,唐僧,沙僧,行者,八戒,师父,妖精,菩萨,大圣,国王,长老,三藏,金箍棒",
        help="comma-separated",
    )
    p.add_argument("--big", type=int, default=100_000, help="words of the generated model (0: none)")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--members", type=int, default=10)
    p.add_argument("--no-browser", action="store_true", help="skip the first paints (no Chromium)")
    args = p.parse_args()
    browser = not args.no_browser and Path(CHROMIUM).exists()
    measure(
        f"model {args.model}", Path(args.model), known_words(Path(args.model), args.words.split(",")), True, browser
    )
    if args.big:
        with tempfile.TemporaryDirectory() as tmp:
            path, words = generated_model(Path(tmp), args.big, args.dim, args.members)
            picked = [words[i] for i in (0, 1, 2, 3, *range(10, args.big, max(1, args.big // 10)))][:14]
            measure(f"generated model of {args.big:,} words x {args.dim}", path, picked, False, browser)


if __name__ == "__main__":
    main()
