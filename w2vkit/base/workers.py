"""Mapping a function over items in worker processes, in order, with bounded memory, and
stopping cleanly on Ctrl-C (used by segmentation, w2vkit.text.segmenting.pipeline)."""

from __future__ import annotations

from collections.abc import Iterator


def _worker(tasks, results, func, initializer, initargs, parent: int) -> None:
    """A segmentation process: tasks in, (ok, result or exception) out, in order, until None.

    It ignores Ctrl-C: the terminal sends it to the whole process group, and the parent alone
    stops and kills its workers. It ends when its parent does (killed by a timeout, by the OOM
    killer), not blocked forever on a pipe."""
    import signal

    from .env import exit_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)
    initializer(*initargs)
    while True:
        try:
            item = tasks.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        try:
            results.send((True, func(item)))
        except Exception as e:  # sent back and raised in the parent, with its message
            results.send((False, e))


def _feed(outbox, tasks) -> None:
    """A thread of the parent handing one worker its tasks (None last), so that the parent's main
    thread never waits on a worker that is busy: it only reads results."""
    try:
        while True:
            item = outbox.get()
            tasks.send(item)
            if item is None:
                return
    except OSError:  # the worker was killed: the run is being stopped
        return


def ordered_map(func, items: Iterator, jobs: int, initializer, initargs) -> Iterator:
    """Map func over items in order with `jobs` processes and at most 2 x jobs items in flight.

    multiprocessing's imap would read the whole input ahead into its task queue; bounding the
    in-flight work is what keeps memory flat on large corpora. Written on plain processes and
    pipes, one pair per worker (item k goes to worker k mod jobs, which answers in order), not on
    multiprocessing.Pool: a Ctrl-C could leave Pool.terminate() waiting forever on a queue lock a
    worker held while blocked writing a large result (3 hangs in 13 interrupts); with no lock
    shared between processes, an interrupted run kills its workers and is done. Tasks are sent by
    one thread per worker, as Pool's task handler does: sent from the main thread (or read by a
    thread inside the worker, competing with the segmenting for the worker's GIL), the English
    corpus took 1.6x as long (docs/benchmarks.md).
    """
    if jobs <= 1:
        initializer(*initargs)
        for item in items:
            yield func(item)
        return
    import multiprocessing as mp
    import os
    import queue
    import threading

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    workers = []
    try:
        for _ in range(jobs):
            task_out, task_in = ctx.Pipe(duplex=False)
            result_out, result_in = ctx.Pipe(duplex=False)
            proc = ctx.Process(  # type: ignore[attr-defined]  # (typeshed's BaseContext lacks it; spawn's has it)
                target=_worker, args=(task_out, result_in, func, initializer, initargs, os.getpid()), daemon=True
            )
            proc.start()
            task_out.close()
            result_in.close()
            outbox: queue.SimpleQueue = queue.SimpleQueue()
            feeder = threading.Thread(target=_feed, args=(outbox, task_in), daemon=True)
            feeder.start()
            workers.append((proc, task_in, result_out, outbox, feeder))
        sent = received = 0
        items = iter(items)
        more = True
        while True:
            while more and sent - received < 2 * jobs:
                item = next(items, None)
                if item is None:
                    more = False
                    break
                workers[sent % jobs][3].put(item)
                sent += 1
            if received == sent:
                break
            proc, _, results, _, _ = workers[received % jobs]
            try:
                ok, value = results.recv()
            except EOFError:
                raise RuntimeError(f"a segmentation process ended unexpectedly (exit code {proc.exitcode})") from None
            received += 1
            if not ok:
                raise value
            yield value
        for *_, outbox, _ in workers:
            outbox.put(None)
        for proc, *_ in workers:
            proc.join()
    finally:
        for proc, tasks, results, outbox, feeder in workers:
            if proc.is_alive():
                proc.kill()
            proc.join()
            outbox.put(None)
            # A killed worker's pipe fails the feeder's send at once; its descriptor is closed only
            # after the feeder is done with it (closed under it, the number could be reused by a
            # file opened meanwhile, and the feeder would write into that file).
            feeder.join(timeout=5)
            if not feeder.is_alive():
                tasks.close()
            results.close()
