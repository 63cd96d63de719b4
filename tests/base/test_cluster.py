"""w2vkit.base.cluster and segment/train --cluster: the same output as local processes, on a local
Dask cluster of 2 worker processes; a worker killed mid-run; an unreachable scheduler; Dask not
installed."""

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from w2vkit.base import cluster as cluster_module
from w2vkit.text.segmenting.pipeline import segment_corpus

UNREACHABLE = "tcp://127.0.0.1:9"  # the discard port: nothing listens on it


def tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def without_timing(manifest: bytes) -> dict:
    record = json.loads(manifest)
    record.pop("seconds")
    return record


@pytest.fixture(scope="module")
def mixed_inputs(novel_text, tmp_path_factory):
    """Two Chinese files (the second compressed) and an English one, in a folder."""
    import gzip

    from conftest import text8_like

    folder = tmp_path_factory.mktemp("inputs")
    (folder / "a.txt").write_text(novel_text[:60_000], encoding="utf-8")
    with gzip.open(folder / "b.txt.gz", "wt", encoding="utf-8") as f:
        f.write(novel_text[60_000:140_000])
    (folder / "en.txt").write_text(text8_like(30_000), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_run(mixed_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    segment_corpus([str(mixed_inputs)], out, jobs=2)
    return tree(out)


@pytest.fixture(scope="module")
def dask_cluster():
    """A local Dask cluster of 2 worker processes, started as a user would start one."""
    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as running:
        yield running


def test_segment_on_a_local_cluster_gives_the_output_of_two_local_processes(invoke, mixed_inputs, local_run, tmp_path):
    out = tmp_path / "out"
    result = invoke(["segment", mixed_inputs, "-o", out, "--cluster", "local:2", "-q"])
    assert result.exit_code == 0, result.output
    got = tree(out)
    assert got.keys() == local_run.keys()
    for name in got:
        if name == "manifest.json":
            assert without_timing(got[name]) == without_timing(local_run[name])
        else:
            assert got[name] == local_run[name], name


def test_files_split_into_many_ranges_read_by_the_workers_give_the_local_output(novel_text, tmp_path, monkeypatch):
    """Ranges of ~16 KB (the workers read them by path), a file with a byte-order mark, one whose
    line is too long to split (its text is sent by the client), and one with CRLF line ends."""
    import w2vkit.text.reading.ranges as ranges
    import w2vkit.text.segmenting.pipeline as pipeline

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "bom.txt").write_bytes(b"\xef\xbb\xbf" + novel_text[:50_000].encode("utf-8"))
    (inputs / "crlf.txt").write_bytes(novel_text[50_000:90_000].replace("\n", "\r\n").encode("utf-8"))
    (inputs / "one-line.txt").write_text(novel_text[90_000:130_000].replace("\n", " "), encoding="utf-8")
    monkeypatch.setattr(pipeline, "MIN_RANGE_BYTES", 16_000)
    monkeypatch.setattr(ranges, "SCAN_BYTES", 64_000)
    assert (
        len(ranges.plan_ranges(str(inputs / "bom.txt"), "utf-8-sig", (inputs / "bom.txt").stat().st_size, 16_000)) > 5
    )
    assert ranges.plan_ranges(str(inputs / "one-line.txt"), "utf-8", 120_000, 16_000) is None
    segment_corpus([str(inputs)], tmp_path / "local", jobs=2)
    segment_corpus([str(inputs)], tmp_path / "cluster", cluster="local:2")
    local, remote = tree(tmp_path / "local"), tree(tmp_path / "cluster")
    assert without_timing(remote.pop("manifest.json")) == without_timing(local.pop("manifest.json"))
    assert remote == local


def _trim_threshold():
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_a_local_clusters_workers_keep_the_default_malloc_trimming():
    """Dask sets MALLOC_TRIM_THRESHOLD_=65536 in the workers it spawns, which slows segmenting."""
    with cluster_module.Cluster("local:1") as running:
        assert set(running.client.run(_trim_threshold).values()) == {None}


def test_workers_started_with_dasks_malloc_trimming_get_a_warning(dask_cluster, caplog):
    with caplog.at_level("WARNING", logger="w2vkit.base.cluster"):
        with cluster_module.Cluster(dask_cluster.scheduler_address):
            pass
    assert [r.getMessage() for r in caplog.records] == [
        "warning: the workers run with MALLOC_TRIM_THRESHOLD_ set (Dask's default for the workers a nanny "
        "starts), which slows segmenting by 10-40%; see docs/cluster.md to unset it"
    ]


def test_ranges_name_files_by_absolute_path_for_workers_in_other_directories(novel_text, tmp_path, monkeypatch):
    from w2vkit.text.reading.inputs import discover_inputs
    from w2vkit.text.segmenting.pipeline import Batches
    from w2vkit.text.segmenting.segment import SegmentOptions
    from w2vkit.text.segmenting.segwork import RangeTask

    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(novel_text[:20_000], encoding="utf-8")
    Path("out").mkdir()
    items = list(Batches(discover_inputs(["a.txt"]), SegmentOptions(), 1 << 20, Path("out/.shards")))
    assert [type(i) for i in items] == [RangeTask]
    assert items[0].path == str(tmp_path / "a.txt") and items[0].shard == str(tmp_path / "out/.shards/0-0.txt")


def test_the_cluster_address_can_come_from_the_environment(invoke, mixed_inputs, local_run, tmp_path, dask_cluster):
    out = tmp_path / "out"
    result = invoke(["segment", mixed_inputs, "-o", out, "-q"], env={"W2VKIT_CLUSTER": dask_cluster.scheduler_address})
    assert result.exit_code == 0, result.output
    assert (out / "a.txt").read_bytes() == local_run["a.txt"]


def test_a_worker_killed_mid_run_costs_only_its_tasks(novel_text, tmp_path, dask_cluster):
    import distributed

    source = tmp_path / "novel.txt"
    source.write_text(novel_text[:600_000] * 3, encoding="utf-8")
    expected = tmp_path / "expected"
    segment_corpus([str(source)], expected, jobs=2)

    out = tmp_path / "out"
    killed = []

    def kill_a_worker_once_the_run_is_writing():
        with distributed.Client(dask_cluster.scheduler_address, set_as_default=False) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                staged = [p for p in out.glob(".staging-*/*.txt") if p.stat().st_size > 0]
                if staged:
                    pid = next(iter(client.run(os.getpid).values()))
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.02)

    killer = threading.Thread(target=kill_a_worker_once_the_run_is_writing)
    killer.start()
    segment_corpus([str(source)], out, cluster=dask_cluster.scheduler_address)
    killer.join()
    assert killed, "the run ended before a worker could be killed; make the input longer"
    assert (out / "novel.txt").read_bytes() == (expected / "novel.txt").read_bytes()
    assert not list(out.glob(".staging-*"))


def test_a_task_the_scheduler_cancelled_is_sent_again(novel_text, tmp_path, dask_cluster, monkeypatch):
    """A worker killed mid-run can take the scheduler's record of a task with it ("already
    forgotten": the result is a CancelledError): the task is sent again and the output is whole."""
    from concurrent.futures import CancelledError

    source = tmp_path / "novel.txt"
    source.write_text(novel_text[:300_000], encoding="utf-8")
    segment_corpus([str(source)], tmp_path / "expected", jobs=2)
    real_result, cancelled = cluster_module.Cluster._result, []

    def cancel_the_second_task_once(self, future):
        if future.key.endswith("-1") and not cancelled:
            future.cancel()
            cancelled.append(future.key)
            raise CancelledError(f"{future.key} cancelled for reason: already forgotten.")
        return real_result(self, future)

    monkeypatch.setattr(cluster_module.Cluster, "_result", cancel_the_second_task_once)
    segment_corpus([str(source)], tmp_path / "out", cluster=dask_cluster.scheduler_address)
    assert cancelled
    assert (tmp_path / "out" / "novel.txt").read_bytes() == (tmp_path / "expected" / "novel.txt").read_bytes()


def test_an_unreachable_scheduler_is_one_line_naming_the_address(invoke, mixed_inputs, tmp_path):
    out = tmp_path / "out"
    result = invoke(["segment", mixed_inputs, "-o", out, "--cluster", UNREACHABLE])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {UNREACHABLE}: no Dask scheduler answered (Connection refused); start one (`dask scheduler`, "
        "then `dask worker ADDRESS` on each machine) or use local:N\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("address", ["local:0", "local:two", "local:", "local:²", "local:١"])
def test_a_local_cluster_needs_a_number_of_workers(invoke, mixed_inputs, tmp_path, address):
    result = invoke(["segment", mixed_inputs, "-o", tmp_path / "out", "--cluster", address])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {address}: local:N needs a number of worker processes, e.g. local:2\n"


@pytest.mark.parametrize(
    "address",
    [
        "garbage:x",
        "tcp://[::1",
        "tcp://[::1]x",
        "http://127.0.0.1:80",
        "tcp://a b:1",
        "tcp://127.0.0.1:99999",
        "tcp://127.0.0.1:²",
        "::1:8786",
        "tcp://",
    ],
)
def test_a_malformed_scheduler_address_is_a_usage_error_before_any_connection(invoke, mixed_inputs, tmp_path, address):
    started = time.monotonic()
    result = invoke(["segment", mixed_inputs, "-o", tmp_path / "out", "--cluster", address])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {address}: not a Dask scheduler address; give tcp://HOST:PORT (or tls://HOST:PORT, "
        "HOST:PORT, [IPv6]:PORT) or local:N\n",
    )
    assert time.monotonic() - started < 5  # no connection was tried


def test_addresses_are_normalised(tmp_path):
    parse = cluster_module.parse_address
    assert parse("127.0.0.1") == ("tcp://127.0.0.1:8786", None)
    assert parse("TCP://node-1.example:9000") == ("tcp://node-1.example:9000", None)
    assert parse("tls://[::1]:8786") == ("tls://[::1]:8786", None)


def serve_once(reply: bytes | None):
    """A local TCP server that is not a Dask scheduler: silent (an HTTP server waits for a
    request) or sending `reply` (another protocol's banner). Its address; it stops by itself."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(20)

    def run():
        try:
            conn, _ = server.accept()
            if reply:
                conn.sendall(reply)
            time.sleep(3)
            conn.close()
        except OSError:
            pass
        finally:
            server.close()

    threading.Thread(target=run, daemon=True).start()
    return f"tcp://127.0.0.1:{server.getsockname()[1]}"


@pytest.mark.parametrize(
    "reply, said",
    [
        (
            None,
            "something listens there but said nothing within 1 s: not a Dask scheduler (start one with "
            "`dask scheduler`, or use local:N)",
        ),
        (
            b"SSH-2.0-OpenSSH_9.6\r\n",
            "answered, but not as a Dask scheduler does; check the address and port (Dask's is 8786)",
        ),
    ],
)
def test_a_server_that_is_not_a_dask_scheduler_is_one_line_soon(
    invoke, mixed_inputs, tmp_path, monkeypatch, reply, said
):
    monkeypatch.setattr(cluster_module, "HANDSHAKE_SECONDS", 1.0)  # the real wait: 10 s
    address = serve_once(reply)
    started = time.monotonic()
    result = invoke(["segment", mixed_inputs, "-o", tmp_path / "out", "--cluster", address])
    assert (result.exit_code, result.stderr) == (1, f"Error: {address}: {said}\n")
    assert time.monotonic() - started < 5
    assert not (tmp_path / "out").exists()


def test_a_local_cluster_accepts_no_stranger():
    import distributed

    with cluster_module.Cluster("local:1") as running:
        address = running._local.scheduler_address
        assert address.startswith("tls://")
        for stranger in (address, address.replace("tls://", "tcp://")):
            with pytest.raises(Exception):  # noqa: B017 (Dask's errors vary: no credentials, a closed comm)
                client = distributed.Client(stranger, timeout="3s", set_as_default=False)
                client.run(os.getpid)  # (not reached: code from a stranger must not run)
            # The client that failed to start is collected here, not inside the next Client's start:
            # its __del__ closes its loop runner, and run there it waited forever on the runner's
            # lock the new client held (seen once, a whole test run hung).
            gc.collect()


def child_pids(pid: int) -> set[int]:
    """The processes whose parent is pid (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.add(p)
        except OSError:
            pass
    return out


@pytest.mark.parametrize("how", ["--jobs", "--cluster"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_when_their_parent_is_killed(novel_text, tmp_path, how, sig):
    import gzip

    # compressed: the parent reads it and the workers send the segmented text back through pipes,
    # which fill when the parent stops reading (plain files are read by the workers themselves)
    big = tmp_path / "big.txt.gz"
    with gzip.open(big, "wt", encoding="utf-8", compresslevel=1) as f:
        f.write(novel_text * 12)
    args = ["--jobs", "2"] if how == "--jobs" else ["--cluster", "local:2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "w2vkit", "segment", str(big), "-o", str(tmp_path / "out"), "--no-discover", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def descendants() -> set[int]:
        found, todo = set(), [proc.pid]
        while todo:
            for child in child_pids(todo.pop()) - found:
                found.add(child)
                todo.append(child)
        return found

    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(alive(children)) < 2:  # the workers start
        children |= descendants()
        time.sleep(0.1)
    for _ in range(10):  # into the segmenting
        children |= descendants()
        time.sleep(0.1)
    assert len(alive(children)) >= 2, "the workers did not start"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = alive(children)
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert not left, f"{len(left)} worker(s) outlived their parent"


def test_a_local_cluster_started_from_an_unguarded_script_is_one_line(mixed_inputs, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "from w2vkit.errors import ClusterError\n"
        "from w2vkit.text.segmenting.pipeline import segment_corpus\n"
        "try:\n"
        f"    segment_corpus([{str(mixed_inputs / 'a.txt')!r}], {str(tmp_path / 'out')!r}, cluster='local:1')\n"
        "except ClusterError as e:\n"
        "    print('ClusterError:', e)\n"
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    # The worker processes re-run the script too (which is the problem): one line from each.
    lines = [line for line in run.stdout.splitlines() if line.startswith("ClusterError: ")]
    assert lines and set(lines) == {
        "ClusterError: local:1: the worker processes did not start (Nanny failed to start.); from a Python "
        'script, call w2vkit under `if __name__ == "__main__":` (the workers re-import the script)'
    }


def test_without_dask_the_cluster_option_says_how_to_install_it(mixed_inputs, tmp_path):
    code = (
        "import sys\n"
        "sys.modules['distributed'] = None  # as if the extra were not installed\n"
        "from w2vkit.cli import main\n"
        "sys.argv = ['w2vkit', 'segment', sys.argv[1], '-o', sys.argv[2], '--cluster', 'local:2']\n"
        "main()\n"
    )
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", code, str(mixed_inputs), str(out)], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr == (
        "Error: running on a cluster needs Dask, which is not installed: pip install 'w2vkit[cluster]'\n"
    )
    assert not out.exists()


def test_token_counts_as_a_dask_reduction_equal_the_local_count_in_order(local_run, tmp_path, monkeypatch):
    paths = []
    for name in ("a.txt", "b.txt", "en.txt"):
        (tmp_path / name).write_bytes(local_run[name])
        paths.append(tmp_path / name)
    local: Counter = Counter()
    lines = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        local.update(text.split())
        lines += len(text.splitlines())
    # Small blocks: many partitions, so the tree of sums has several levels.
    monkeypatch.setattr(cluster_module, "COUNT_BLOCK_BYTES", 16_000)
    with cluster_module.Cluster("local:2") as running:
        counted, counted_lines = running.count_tokens(paths)
    assert (counted, counted_lines) == (local, lines)
    assert list(counted) == list(local)  # first appearance order: gensim breaks ties by it


@pytest.mark.parametrize("weighting", ["harmonic", "linear"])
def test_cooccurrences_summed_on_the_cluster_equal_the_local_count_exactly(local_run, tmp_path, monkeypatch, weighting):
    from w2vkit.training.countmodel import cooccurrences

    corpus = tmp_path / "tokens.txt"
    corpus.write_bytes(local_run["a.txt"] + local_run["b.txt"])
    words = [w for w, c in Counter(corpus.read_text(encoding="utf-8").split()).most_common() if c >= 3]
    index = {w: i for i, w in enumerate(words)}
    local = cooccurrences(corpus, index, 5, weighting)
    monkeypatch.setattr(cluster_module, "COUNT_BLOCK_BYTES", 16_000)  # a tree of sums
    with cluster_module.Cluster("local:2") as running:
        remote = cooccurrences(corpus, index, 5, weighting, cluster=running)
    assert local.nnz > 10_000
    assert (remote != local).nnz == 0 and remote.dtype == local.dtype


TINY = ["--dim", "16", "--epochs", "2", "--min-count", "2", "--seed", "3", "--deterministic", "-q"]


@pytest.mark.parametrize("method", ["word2vec", "ppmi", "hybrid"])
def test_train_segmented_counts_on_the_cluster_and_gives_the_same_model(invoke, local_run, tmp_path, method):
    corpus = tmp_path / "tokens.txt"
    corpus.write_bytes(local_run["a.txt"] + local_run["b.txt"])
    models = {}
    for where in ("here", "cluster"):
        extra = ["--cluster", "local:2"] if where == "cluster" else []
        out = tmp_path / where
        env = {"W2VKIT_CACHE": str(tmp_path / f"cache-{where}")}
        result = invoke(["train", corpus, "--segmented", "--method", method, "-o", out, *TINY, *extra], env=env)
        assert result.exit_code == 0, result.output
        models[where] = out
    for name in ("vectors.npy", "vocab.tsv"):
        assert (models["cluster"] / name).read_bytes() == (models["here"] / name).read_bytes(), name


def test_train_segments_raw_text_on_the_cluster_into_the_same_corpus(invoke, mixed_inputs, tmp_path):
    models = {}
    for where in ("here", "cluster"):
        extra = ["--cluster", "local:2"] if where == "cluster" else ["--jobs", "2"]
        out = tmp_path / where
        env = {"W2VKIT_CACHE": str(tmp_path / f"cache-{where}")}
        args = ["train", mixed_inputs / "a.txt", "--method", "word2vec", "-o", out, *TINY, *extra]
        result = invoke(args, env=env)
        assert result.exit_code == 0, result.output
        models[where] = out
    for name in ("vectors.npy", "vocab.tsv"):
        assert (models["cluster"] / name).read_bytes() == (models["here"] / name).read_bytes(), name


def test_a_local_cluster_is_capped_at_the_cores(caplog):
    from w2vkit.base.env import default_jobs

    cores = default_jobs()
    with caplog.at_level("WARNING"):
        assert cluster_module.parse_address(f"local:{cores * 8}") == ("local", cores)
    assert caplog.messages == [f"warning: local:{cores * 8} on {cores} cores: starting {cores} worker processes"]
    assert cluster_module.parse_address("local:1") == ("local", 1)


def test_members_on_a_local_cluster_are_the_serial_ones(invoke, novel_text, tmp_path):
    """--bootstrap 3 --cluster local:2: each member a task, its files sent back; the draws and (with
    --deterministic) the vectors of a serial run, in a folder `similar` reads (issue 51)."""
    import numpy as np

    from w2vkit.model.members import member_dir

    text = tmp_path / "part.txt"  # (the first chapters: what is tested is the same draws and vectors)
    text.write_text(novel_text[:40_000], encoding="utf-8")
    args = ["--bootstrap", "3", "--unit", "lines:20", "--deterministic", "--epochs", "2", "--dim", "16"]
    r = invoke(["train", text, "-o", tmp_path / "serial", *args])
    assert r.exit_code == 0, r.stderr
    r = invoke(["train", text, "-o", tmp_path / "cluster", "--cluster", "local:2", *args])
    assert r.exit_code == 0, r.stderr
    for k in (1, 2, 3):
        a, b = member_dir(tmp_path / "serial", k), member_dir(tmp_path / "cluster", k)
        assert (
            json.loads((a / "meta.json").read_text())["member"] == json.loads((b / "meta.json").read_text())["member"]
        )
        va, vb = np.load(a / "vectors.npy"), np.load(b / "vectors.npy")
        # the word2vec part bit for bit; the count part's SVD runs with the workers' BLAS threads
        # (Dask sets one), which changes its last bits and may flip a component's sign: the
        # words' cosines are the same (docs/cluster.md)
        assert np.array_equal(va[:, :16], vb[:, :16])
        ua = va[:300] / np.linalg.norm(va[:300], axis=1, keepdims=True)
        ub = vb[:300] / np.linalg.norm(vb[:300], axis=1, keepdims=True)
        assert np.allclose(ua @ ua.T, ub @ ub.T, atol=1e-4)
    r = invoke(["similar", "悟空", "-m", tmp_path / "cluster", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["results"][0]["members"] == 3


def test_a_worker_killed_mid_member_gets_the_member_trained_again(novel_slice, tmp_path, dask_cluster):
    import distributed

    from w2vkit.model.members import Resampling
    from w2vkit.model.store import load_model
    from w2vkit.text.segmenting.segment import SegmentOptions
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    killed = []

    def kill_a_worker_once_a_member_trains():
        with distributed.Client(dask_cluster.scheduler_address, set_as_default=False) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                busy = [w for w, tasks in client.processing().items() if tasks]
                if busy:
                    time.sleep(0.3)  # (inside the member's training)
                    pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.02)

    killer = threading.Thread(target=kill_a_worker_once_a_member_trains)
    killer.start()
    train(
        [str(novel_slice)],
        tmp_path / "m",
        TrainOptions(epochs=3, dim=16),
        SegmentOptions(),
        resampling=Resampling("bootstrap", 3, "lines:20"),
        cluster=dask_cluster.scheduler_address,
    )
    killer.join()
    assert killed, "the run ended before a worker could be killed"
    model = load_model(tmp_path / "m")
    assert len(model.meta["members"]["members"]) == 3
    from w2vkit.queries.query import Engine

    assert len(Engine(model).members) == 3


def test_members_on_a_cluster_whose_workers_cannot_read_the_corpus_fail_before_training(tmp_path, monkeypatch):
    from w2vkit.errors import ClusterError
    from w2vkit.training import memberwork

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a b c\n")

    class Fake:
        def ask_workers(self, func, path):
            return {"tcp://10.0.0.2:1": -1, "tcp://10.0.0.3:1": corpus.stat().st_size}

        def close(self):
            pass

    monkeypatch.setattr("w2vkit.base.cluster.Cluster", lambda address: Fake())
    with pytest.raises(ClusterError, match=r"1 of 2 workers cannot read the corpus .* \(tcp://10.0.0.2:1\)"):
        memberwork.check_cluster_reads("tcp://sched:8786", corpus)


def _checked(answers: dict):
    """A cluster's worker check on workers that answer `answers` (each worker's facts or the
    error its run gave, as Dask's client.run(on_error="return") hands them back)."""
    checking = cluster_module.Cluster.__new__(cluster_module.Cluster)
    checking.address = "tcp://10.0.0.1:8786"

    class Client:
        @staticmethod
        def run(func, on_error="raise"):
            assert on_error == "return"
            return answers

    checking.client = Client()
    checking._check_workers()  # (ask_workers: the members' corpus check asks the same way)


def test_a_worker_lost_while_checked_is_not_taken_for_a_wrong_install():
    """A worker whose nanny restarts it while the cluster is checked (the test that kills one saw
    this) drops out of the check; the others' versions are checked as ever. A worker that cannot
    run w2vkit, or no worker answering at all, is still refused."""
    from w2vkit import __version__
    from w2vkit.errors import ClusterError

    sound = (__version__, False)
    _checked({"tcp://10.0.0.2:1": sound, "tcp://10.0.0.3:1": ConnectionResetError(104, "Connection reset by peer")})
    with pytest.raises(ClusterError, match=r"the workers cannot run w2vkit \(No module named 'w2vkit'\); install"):
        _checked({"tcp://10.0.0.2:1": sound, "tcp://10.0.0.3:1": ModuleNotFoundError("No module named 'w2vkit'")})
    with pytest.raises(ClusterError, match=r"the workers cannot run w2vkit \(.*Connection reset"):
        _checked({"tcp://10.0.0.3:1": ConnectionResetError(104, "Connection reset by peer")})
    with pytest.raises(ClusterError, match=r"worker tcp://10.0.0.2:1 has w2vkit 0.0.1, this is"):
        _checked({"tcp://10.0.0.2:1": ("0.0.1", False), "tcp://10.0.0.3:1": OSError("gone")})
