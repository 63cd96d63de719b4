"""Running segmentation and counting on a Dask cluster (the optional extra `w2vkit[cluster]`:
dask and distributed).

`Cluster.ordered_map` has the contract of w2vkit.workers.ordered_map (results in order, at most
2 tasks per worker thread in flight, the initializer's arguments sent to each worker once), so
the pipeline swaps one for the other and its output is the same by construction; the items may
be byte ranges of files the workers read themselves (w2vkit.ranges, w2vkit.segwork).
`reduce_lines` maps a function over blocks of files' lines and combines the results in a tree
(token counts here, co-occurrences in w2vkit.countmodel). A worker lost mid-run costs only its
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

from .errors import ClusterError, UsageError

log = logging.getLogger(__name__)

LOCAL_PREFIX = "local:"
INSTALL_HINT = "pip install 'w2vkit[cluster]'"
CONNECT_TIMEOUT = "10s"
TRIM_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
# Items (segmentation batches of ~64k characters) per Dask task: with one task per batch the
# client's and scheduler's work per task made --cluster local:2 twice as slow as --jobs 2 on two
# cores (benchmarks/cluster.py).
ITEMS_PER_TASK = 8
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

    from . import __version__

    return __version__, os.environ.get("MALLOC_TRIM_THRESHOLD_")


def parse_address(address: str) -> tuple[str, int | None]:
    """("local", N) for local:N, else (the scheduler's address, None)."""
    address = address.strip()
    if not address:
        raise UsageError("the cluster address is empty; give a Dask scheduler's address or local:N")
    if address.startswith(LOCAL_PREFIX):
        count = address[len(LOCAL_PREFIX) :]
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"{address}: local:N needs a number of worker processes, e.g. local:2")
        return "local", int(count)
    return address, None


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
                # Dask has the nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (memory back to
                # the system sooner), which made segmenting 10-40% slower (benchmarks/cluster.py).
                with warnings.catch_warnings(), dask.config.set({TRIM_SETTING: None}):
                    # "port 8787 is in use": the HTTP server moves, as it should
                    warnings.simplefilter("ignore")
                    self._local = distributed.LocalCluster(
                        n_workers=local_workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL,
                    )
                self.client = distributed.Client(self._local, set_as_default=False)
            else:
                self.client = distributed.Client(where, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except RuntimeError as e:  # a worker process failed to start
            log.debug("starting %s: %s", address, e)
            self.close()
            raise ClusterError(
                f"{address}: the worker processes did not start ({e}); from a Python script, call w2vkit "
                'under `if __name__ == "__main__":` (the workers re-import the script)'
            ) from None
        except (OSError, TimeoutError) as e:
            log.debug("connecting to %s: %s", address, e)
            self.close()
            raise ClusterError(
                f"{address}: no Dask scheduler answered within {CONNECT_TIMEOUT}; start one (`dask scheduler`, "
                "then `dask worker ADDRESS` on each machine) or use local:N"
            ) from None
        if self._local is None:  # a local cluster's workers run this very installation
            self._check_workers()

    def _check_workers(self) -> None:
        from . import __version__

        try:
            facts = self.client.run(_worker_facts)
        except Exception as e:
            raise ClusterError(
                f"{self.address}: the workers cannot run w2vkit ({e}); install w2vkit {__version__} beside them"
            ) from None
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
                'nanny starts), which slows segmenting by 10-40%; see README "Past one machine" to unset it'
            )

    @property
    def threads(self) -> int:
        """Worker threads in the cluster: how many tasks run at once."""
        return sum(self.client.nthreads().values()) or 1

    def ordered_map(self, func, items: Iterator, initializer, initargs, weight=None) -> Iterator:
        """func over items on the workers, results in order; as w2vkit.workers.ordered_map. Items
        go to a Dask task until their weight (weight(item), else 1) reaches ITEMS_PER_TASK."""
        from distributed import KilledWorker

        run = uuid.uuid4().hex
        # Scattered to every worker once; each task names it, and Dask hands the worker its copy.
        [init] = self.client.scatter([(initializer, initargs)], broadcast=True, hash=False)
        pending: deque = deque()
        in_flight = 2 * self.threads
        items = iter(items)
        try:
            for number in itertools.count():
                group = _group(items, weight)
                if not group:
                    break
                # Pickled here: handed a list, Dask walks every string in it looking for futures.
                task = self.client.submit(
                    _run_task, run, init, func, pickle.dumps(group), key=f"w2vkit-{run}-{number}", pure=False
                )
                pending.append(task)
                if len(pending) >= in_flight:
                    yield from self._result(pending.popleft(), KilledWorker)
            while pending:
                yield from self._result(pending.popleft(), KilledWorker)
        finally:
            for future in pending:
                future.cancel()

    def _result(self, future, killed_worker):
        try:
            return future.result()
        except killed_worker:
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
