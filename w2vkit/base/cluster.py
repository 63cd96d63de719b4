"""Running segmentation and counting on a Dask cluster (the optional extra `w2vkit[cluster]`:
dask and distributed).

`Cluster.ordered_map` has the contract of w2vkit.base.workers.ordered_map (results in order, at most
2 tasks per worker thread in flight, the initializer's arguments sent to each worker once), so
the pipeline swaps one for the other and its output is the same by construction; the items may
be byte ranges of files the workers read themselves (w2vkit.text.reading.ranges, w2vkit.text.segmenting.segwork).
`reduce_lines` maps a function over blocks of files' lines and combines the results in a tree
(token counts here, co-occurrences in w2vkit.training.countmodel). A worker lost mid-run costs only its
tasks, which Dask runs again elsewhere; a task that keeps killing workers fails the run with one
line.
"""

from __future__ import annotations

import itertools
import logging
import pickle
import threading
import uuid
import warnings
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import CancelledError

from ..errors import ClusterError, UsageError

log = logging.getLogger(__name__)

LOCAL_PREFIX = "local:"
INSTALL_HINT = "pip install 'w2vkit[cluster]'"
CONNECT_TIMEOUT = "10s"
TRIM_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
# Items (segmentation batches of ~64k characters) per Dask task: with one task per batch the
# client's and scheduler's work per task made --cluster local:2 twice as slow as --jobs 2 on two
# cores (benchmarks/cluster.py).
ITEMS_PER_TASK = 8
CANCELLED_RETRIES = 3  # a task the scheduler cancelled (a worker killed mid-run) is sent again
# Tokens are counted in blocks of this many bytes of the segmented files (dask.bag.read_text).
COUNT_BLOCK_BYTES = 64 << 20

_initialised_run: str | None = None
_init_lock = threading.Lock()


def _run_task(run: str, init: tuple, func, items: bytes) -> list:
    """On a worker: the run's initializer once per worker process, then func over the items."""
    global _initialised_run
    with _init_lock:
        if _initialised_run != run:
            initializer, initargs = init
            initializer(*initargs)
            _initialised_run = run
    return [func(item) for item in pickle.loads(items)]


def _worker_facts() -> tuple[str, str | None]:
    """On a worker: its w2vkit version and its malloc trim threshold, if set."""
    import os

    from .. import __version__

    return __version__, os.environ.get("MALLOC_TRIM_THRESHOLD_")


DEFAULT_PORT = 8786  # Dask's scheduler port
SCHEMES = ("tcp", "tls")
# A Dask scheduler speaks first on a new connection: a frame whose first 8 bytes are its length.
# Something else (a web server waits for a request, another server sends its own banner) is told
# apart before Dask reads it: Dask would wait forever on a silent peer, or take a banner's bytes
# for a length of exabytes.
HANDSHAKE_SECONDS = 10.0
MAX_HANDSHAKE_BYTES = 1 << 20
# The whole connection (the handshake and Dask's own start) is bounded by this: past it, one line.
CONNECT_DEADLINE_SECONDS = 30.0


def parse_address(address: str) -> tuple[str, int | None]:
    """("local", N) for local:N, else (the scheduler's address as scheme://host:port, None).
    Checked before any connection: a malformed address is a usage error, at once."""
    from .env import default_jobs

    address = address.strip()
    if not address:
        raise UsageError("the cluster address is empty; give a Dask scheduler's address or local:N")
    if address.startswith(LOCAL_PREFIX):
        count = address[len(LOCAL_PREFIX) :]
        # (str.isdigit accepts "²" and other digits int() refuses or reads otherwise)
        if not (count.isascii() and count.isdigit()) or int(count) < 1:
            raise UsageError(f"{address}: local:N needs a number of worker processes, e.g. local:2")
        wanted, cores = int(count), default_jobs()
        if wanted > cores:  # more processes than cores only add memory and switching
            log.warning("warning: %s on %d cores: starting %d worker processes", address, cores, cores)
        return "local", min(wanted, cores)
    return _scheduler_address(address), None


def _scheduler_address(address: str) -> str:
    """tcp://HOST:PORT or tls://HOST:PORT (HOST a name, an IPv4 address or [an IPv6 one]); a bare
    HOST[:PORT] is taken as tcp; the port defaults to Dask's."""
    import ipaddress
    import re

    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    bad = UsageError(
        f"{address}: not a Dask scheduler address; give tcp://HOST:PORT (or tls://HOST:PORT, "
        f"HOST:PORT, [IPv6]:PORT) or local:N"
    )
    if scheme.lower() not in SCHEMES:
        raise bad
    if rest.startswith("["):
        host, closed, tail = rest[1:].partition("]")
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise bad from None
        if not closed or (tail and not tail.startswith(":")):
            raise bad
        port, shown = tail[1:], f"[{host}]"
    else:
        host, _, port = rest.partition(":") if rest.count(":") <= 1 else ("", "", "")
        if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})", host or ""):
            raise bad
        shown = host
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise bad
    return f"{scheme.lower()}://{shown}:{int(port) if port else DEFAULT_PORT}"


def probe_scheduler(address: str, seconds: float | None = None) -> None:
    """ClusterError unless a tcp:// address answers as a Dask scheduler does (its first frame's
    length, within `seconds`). tls:// is left to Dask (the TLS handshake comes first)."""
    import socket
    import struct

    if not address.startswith("tcp://"):
        return
    seconds = HANDSHAKE_SECONDS if seconds is None else seconds
    host, _, port = address[len("tcp://") :].rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=seconds) as sock:
            sock.settimeout(seconds)
            head = b""
            while len(head) < 8:
                chunk = sock.recv(8 - len(head))
                if not chunk:
                    break
                head += chunk
    except TimeoutError:
        raise ClusterError(
            f"{address}: something listens there but said nothing within {seconds:.0f} s: not a Dask "
            "scheduler (start one with `dask scheduler`, or use local:N)"
        ) from None
    except OSError as e:
        raise ClusterError(
            f"{address}: no Dask scheduler answered ({e.strerror or e}); start one (`dask scheduler`, "
            "then `dask worker ADDRESS` on each machine) or use local:N"
        ) from None
    if len(head) < 8 or not 0 < struct.unpack("<Q", head)[0] <= MAX_HANDSHAKE_BYTES:
        raise ClusterError(
            f"{address}: answered, but not as a Dask scheduler does; check the address and port "
            f"(Dask's is {DEFAULT_PORT})"
        )


def _connect_within(seconds: float, connect):
    """connect() in a thread, waited for `seconds` at most; its exception re-raised. Past the
    deadline ClusterError (the thread is left behind, a daemon)."""
    import threading

    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, connect()))
        except BaseException as e:  # handed to the caller
            outcome.append((False, e))

    thread = threading.Thread(target=run, name="w2vkit-connect", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise ClusterError(f"no answer from the cluster within {seconds:.0f} s; check the address and the scheduler")
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def dask_setup(worker) -> None:
    """Dask's preload hook, run in each worker of a local cluster as it starts (this module is its
    preload): the worker ends when the w2vkit process that started the cluster, its parent, is
    gone (killed by a timeout or the OOM killer), rather than living on."""
    import os
    import signal

    from .env import exit_with_parent

    exit_with_parent(os.getppid())
    # Ctrl-C reaches the whole process group; the w2vkit process stops the cluster, so a worker
    # ignores it rather than printing a KeyboardInterrupt traceback of its own
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # (not the worker's main thread: nothing to change)
        pass


def _remote_security(address: str):
    """None for tcp:// (Dask's config may still set TLS up); for tls://, Dask's security settings
    (distributed.comm.tls.* in its config files or DASK_DISTRIBUTED__COMM__TLS__* variables),
    which must name a CA: a usage error saying so when they do not."""
    if not address.startswith("tls://"):
        return None
    import dask
    from distributed.security import Security

    if not dask.config.get("distributed.comm.tls.ca-file", None):
        raise UsageError(
            f"{address}: a tls:// scheduler needs Dask's TLS settings: set DASK_DISTRIBUTED__COMM__TLS__CA_FILE, "
            "..._CLIENT__CERT and ..._CLIENT__KEY (see docs: Past one machine)"
        )
    return Security()


def _failure(address: str, e: Exception) -> str:
    """What a cluster that could not be started or reached says, by what went wrong."""
    if isinstance(e, RuntimeError):  # a worker process failed to start
        return (
            f"{address}: the worker processes did not start ({e}); from a Python script, call w2vkit "
            'under `if __name__ == "__main__":` (the workers re-import the script)'
        )
    if isinstance(e, (OSError, TimeoutError)):
        return (
            f"{address}: no Dask scheduler answered within {CONNECT_TIMEOUT}; start one (`dask scheduler`, "
            "then `dask worker ADDRESS` on each machine) or use local:N"
        )
    # Dask's own errors on a peer that is not what it expects
    return f"{address}: the connection failed ({type(e).__name__}); check that it is a Dask scheduler of a compatible version"


class Cluster:
    """A connection to a Dask scheduler, or a local cluster of N worker processes (one thread
    each: segmenting is Python code, which threads cannot run in parallel). Use as a context
    manager: leaving it closes the client and stops a local cluster."""

    def __init__(self, address: str):
        where, local_workers = parse_address(address)
        try:
            import dask
            import distributed
        except ImportError:
            raise ClusterError(f"running on a cluster needs Dask, which is not installed: {INSTALL_HINT}") from None
        self.address = address
        self._local = None
        # Dask's own log speaks of workers it restarts and connections it retries; the one-line
        # errors here say what matters.
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        try:
            if local_workers is not None:
                self._start_local(dask, distributed, local_workers)
            else:
                probe_scheduler(where)
                self.client = _connect_within(
                    CONNECT_DEADLINE_SECONDS,
                    lambda: distributed.Client(
                        where, timeout=CONNECT_TIMEOUT, set_as_default=False, security=_remote_security(where)
                    ),
                )
        except Exception as e:
            self.close()
            if isinstance(e, (ClusterError, UsageError)):
                raise
            log.debug("starting or connecting to %s: %r", address, e)
            raise ClusterError(_failure(address, e)) from None
        if self._local is None:  # a local cluster's workers run this very installation
            self._check_workers()

    def _start_local(self, dask, distributed, workers: int) -> None:
        """A local cluster that accepts no stranger: temporary TLS credentials (Dask's
        security=True), known only to this process and the workers it starts; its workers end
        with this process."""

        # Dask has the nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (memory back to
        # the system sooner), which made segmenting 10-40% slower (benchmarks/cluster.py).
        with warnings.catch_warnings(), dask.config.set({TRIM_SETTING: None}):
            # "port 8787 is in use": the HTTP server moves, as it should
            warnings.simplefilter("ignore")
            try:
                self._local = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                    security=True,
                    preload=[__name__],  # dask_setup above
                )
            except ImportError:  # security=True needs the cryptography package
                raise ClusterError(
                    f"a local cluster needs the cryptography package for its TLS credentials: {INSTALL_HINT}"
                ) from None
        self.client = distributed.Client(self._local, set_as_default=False)

    def ask_workers(self, func, *args) -> dict:
        """Each worker's answer to func(*args) (Dask's client.run). A worker lost at this moment (its
        nanny restarting it: the test that kills one met this) is left out, not taken for a wrong
        install; ClusterError when a worker cannot run w2vkit, or none answers."""
        from .. import __version__

        try:
            answers = self.client.run(func, *args, on_error="return")
        except Exception as error:
            answers = {"": error}
        lost = {w: e for w, e in answers.items() if isinstance(e, OSError) or type(e).__name__ == "CommClosedError"}
        failed = {w: e for w, e in answers.items() if isinstance(e, BaseException) and w not in lost}
        if failed or (lost and len(lost) == len(answers)):
            first = next(iter((failed or lost).values()))
            raise ClusterError(
                f"{self.address}: the workers cannot run w2vkit ({first}); install w2vkit {__version__} beside them"
            )
        if lost:
            log.debug("workers lost while asked: %s", ", ".join(lost))
        return {w: answer for w, answer in answers.items() if w not in lost}

    def _check_workers(self) -> None:
        from .. import __version__

        facts = self.ask_workers(_worker_facts)
        versions = {worker: version for worker, (version, _) in facts.items()}
        wrong = {worker: v for worker, v in versions.items() if v != __version__}
        if wrong:
            worker, v = next(iter(wrong.items()))
            raise ClusterError(
                f"{self.address}: worker {worker} has w2vkit {v}, this is {__version__}; install the same"
            )
        if not versions:
            raise ClusterError(f"{self.address}: the scheduler has no workers; start some with `dask worker ADDRESS`")
        if any(trim for _, trim in facts.values()):
            log.warning(
                "warning: the workers run with MALLOC_TRIM_THRESHOLD_ set (Dask's default for the workers a "
                "nanny starts), which slows segmenting by 10-40%; see docs/cluster.md to unset it"
            )

    @property
    def threads(self) -> int:
        """Worker threads in the cluster: how many tasks run at once."""
        return sum(self.client.nthreads().values()) or 1

    def ordered_map(self, func, items: Iterator, initializer, initargs, weight=None) -> Iterator:
        """func over items on the workers, results in order; as w2vkit.base.workers.ordered_map. Items
        go to a Dask task until their weight (weight(item), else 1) reaches ITEMS_PER_TASK."""
        run = uuid.uuid4().hex
        # Scattered to every worker once; each task names it, and Dask hands the worker its copy.
        shared = {"init": self._scatter_init(initializer, initargs)}

        def submit(number: int, payload: bytes, attempt: int = 0):
            suffix = f"-r{attempt}" if attempt else ""
            return self.client.submit(
                _run_task, run, shared["init"], func, payload, key=f"w2vkit-{run}-{number}{suffix}", pure=False
            )

        def result(entry):
            future, number, payload = entry
            for attempt in range(1, CANCELLED_RETRIES + 2):
                try:
                    return self._result(future)
                except CancelledError:
                    if attempt > CANCELLED_RETRIES:
                        raise ClusterError(
                            f"{self.address}: the scheduler cancelled a task of this run "
                            f"{attempt} times; see the scheduler's and workers' logs"
                        ) from None
                    # a worker killed mid-run can take the scheduler's record of a task with it
                    # ("already forgotten"): the task is sent again, with the shared data
                    log.debug("task %d of run %s was cancelled; sending it again", number, run)
                    shared["init"] = self._scatter_init(initializer, initargs)
                    future = submit(number, payload, attempt)

        pending: deque = deque()
        in_flight = 2 * self.threads
        items = iter(items)
        try:
            for number in itertools.count():
                group = _group(items, weight)
                if not group:
                    break
                # Pickled here: handed a list, Dask walks every string in it looking for futures.
                payload = pickle.dumps(group)
                pending.append((submit(number, payload), number, payload))
                if len(pending) >= in_flight:
                    yield from result(pending.popleft())
            while pending:
                yield from result(pending.popleft())
        finally:
            for future, _, _ in pending:
                future.cancel()

    def _scatter_init(self, initializer, initargs):
        [init] = self.client.scatter([(initializer, initargs)], broadcast=True, hash=False)
        return init

    def _result(self, future):
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            raise ClusterError(
                f"{self.address}: a task of this run ended the worker running it several times over; "
                "see the workers' logs (memory limit?)"
            ) from None
        except OSError as e:
            raise ClusterError(f"{self.address}: lost the connection to the scheduler ({e})") from None

    def reduce_lines(self, paths: list, per_block, combine, *shared):
        """per_block(lines, *shared) over blocks of the lines of these files on the workers, the
        results combined by combine(results) in a tree, in file order. The workers read the files
        by path (or fsspec URL): they must see them. shared: sent to the workers once."""
        import dask
        import dask.bag as db

        blocks = db.read_text([str(p) for p in paths], blocksize=COUNT_BLOCK_BYTES, encoding="utf-8")
        # Named here: Dask would otherwise hash the whole of a large argument to name it.
        sent = [dask.delayed(value, name=f"w2vkit-shared-{uuid.uuid4().hex}") for value in shared]
        parts = blocks.map_partitions(_per_partition, per_block, *sent)
        try:
            return parts.reduction(combine, combine, split_every=8).compute(scheduler=self.client)
        except OSError as e:
            raise ClusterError(f"{self.address}: lost the connection to the scheduler ({e})") from None

    def count_tokens(self, paths: list[str]) -> tuple[Counter, int]:
        """The space-separated tokens of these (segmented) files, and their lines, counted as a
        Dask reduction: each block of lines counted on a worker, the counts summed in a tree, in
        file order, so that words come out in order of first appearance, as a local count gives
        them. The workers read the files by path (or fsspec URL): they must see them."""
        return self.reduce_lines(paths, _count_block, _sum_counts)

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self._local is not None:
            self._local.close()
            self._local = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _group(items: Iterator, weight) -> list:
    """The next items whose weights add up to ITEMS_PER_TASK (fewer at the end)."""
    if weight is None:
        return list(itertools.islice(items, ITEMS_PER_TASK))
    group, total = [], 0
    for item in items:
        group.append(item)
        total += weight(item)
        if total >= ITEMS_PER_TASK:
            break
    return group


def _per_partition(lines, per_block, *shared) -> list:
    return [per_block(lines, *shared)]


def _count_block(lines) -> tuple[Counter, int]:
    counts: Counter = Counter()
    n = 0
    for line in lines:
        counts.update(line.split())
        n += 1
    return counts, n


def _sum_counts(parts) -> tuple[Counter, int]:
    total: Counter = Counter()
    lines = 0
    for counts, n in parts:
        total.update(counts)
        lines += n
    return total, lines
