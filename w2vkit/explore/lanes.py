"""The explorer's two lanes of work (a quick one for a word's questions, a slow one for maps,
contrasts and scans): each a worker thread answering jobs in turn, each answer kept by its question,
and awaited by a request on the event loop without blocking it (round 8's H58, H64, H65: a request
waiting with a blocking Event.wait inside `async def` stopped every other request)."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from ..errors import W2vkitError

# slow questions (maps, contrasts, scans) waiting or worked on at once: past this a new one is
# answered "busy" (503) at once, so twenty tabs' maps cannot queue an hour of work
MOST_PENDING_SLOW = 8
KEPT_ANSWERS = 256  # answers kept for a question asked again (the link that reproduces a view)


class Busy(W2vkitError):
    """The slow lane holds as many questions as it takes: the page is told to ask again later."""


class Job:
    """One question's work and its answer. A request awaits `answer_within` on the event loop: it
    is woken by the worker when the answer comes (call_soon_threadsafe), never by a thread blocked
    on the loop, so every other request is served meanwhile."""

    def __init__(self, work: Callable[[], object]):
        self.work = work
        self.started = time.monotonic()
        self.done = threading.Event()
        self.value: object = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

    def finish(self) -> None:
        with self._lock:
            self.done.set()
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            try:
                loop.call_soon_threadsafe(_wake, future)
            except RuntimeError:  # (the loop has closed: the server is stopping)
                pass

    async def answer_within(self, seconds: float) -> None:
        """Wait up to `seconds` for the answer without holding the event loop."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            if self.done.is_set():
                return
            self._waiters.append((loop, future))
        try:
            await asyncio.wait_for(future, seconds)
        except TimeoutError:
            pass


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


class Worker:
    """One thread answering jobs in turn (a daemon: Ctrl-C leaves no process behind), each
    answer kept by its key so a question asked again, or polled for, is answered from memory (and
    one asked while it is worked on joins that work). At most `most_pending` questions wait or are
    worked on at once: past that, Busy."""

    def __init__(self, name: str, most_pending: int | None = None):
        self.name, self.most_pending = name, most_pending
        self.jobs: OrderedDict[tuple, Job] = OrderedDict()
        self.lock = threading.Lock()
        self.waiting: queue.Queue[Job] = queue.Queue()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def _run(self) -> None:
        while True:
            job = self.waiting.get()
            try:
                job.value = job.work()
            except BaseException as e:  # (handed to the request that waits for it)
                job.error = e
            job.finish()

    def submit(self, key: tuple, work: Callable[[], object]) -> Job:
        """The job answering `key`: the one asked before (done, or being worked on), or a new one
        queued; never waits."""
        with self.lock:
            job = self.jobs.get(key)
            if job is None or (job.done.is_set() and job.error is not None and not isinstance(job.error, W2vkitError)):
                pending = sum(1 for each in self.jobs.values() if not each.done.is_set())
                if self.most_pending is not None and pending >= self.most_pending:
                    raise Busy(
                        f"busy: {pending} slow questions (maps, contrasts) are being worked on; "
                        "ask again when one of them is answered"
                    )
                job = self.jobs[key] = Job(work)
                self.waiting.put(job)
                while len(self.jobs) > KEPT_ANSWERS:
                    oldest = next(iter(self.jobs))
                    if not self.jobs[oldest].done.is_set():
                        break
                    del self.jobs[oldest]
            self.jobs.move_to_end(key)
        return job

    def ask(self, key: tuple, work: Callable[[], object], wait: float) -> Job:
        """submit, then wait up to `wait` seconds in this thread (the start's warm-up only: a
        request handler awaits Job.answer_within)."""
        job = self.submit(key, work)
        job.done.wait(wait)
        return job

    async def answer(self, key: tuple, work: Callable[[], object], wait: float) -> Job:
        """submit, then await the answer up to `wait` seconds on the event loop."""
        job = self.submit(key, work)
        await job.answer_within(wait)
        return job
