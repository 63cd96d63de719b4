"""Mapping a function over items in worker processes, in order, with bounded memory, and
stopping cleanly on Ctrl-C (used by segmentation, w2vkit.pipeline)."""

from __future__ import annotations

from collections.abc import Iterator


def _worker(tasks, results, func, initializer, initargs) -> None:
    """A segmentation process: tasks in, (ok, result or exception) out, in order, until None.

    It ignores Ctrl-C: the terminal sends it to the whole process group, and the parent alone
    stops and kills its workers. A thread reads the tasks as they come, so the parent never waits
    to hand over a task while this process waits to hand back a result."""
    import queue
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def read():
        try:
            while True:
                item = tasks.recv()
                inbox.put(item)
                if item is None:
                    return
        except (EOFError, OSError):
            inbox.put(None)

    threading.Thread(target=read, daemon=True).start()
    initializer(*initargs)
    while (item := inbox.get()) is not None:
        try:
            results.send((True, func(item)))
        except Exception as e:  # sent back and raised in the parent, with its message
            results.send((False, e))


def ordered_map(func, items: Iterator, jobs: int, initializer, initargs) -> Iterator:
    """Map func over items in order with `jobs` processes and at most 2 x jobs items in flight.

    multiprocessing's imap would read the whole input ahead into its task queue; bounding the
    in-flight work is what keeps memory flat on large corpora. Written on plain processes and
    pipes, one pair per worker (item k goes to worker k mod jobs, which answers in order), not on
    multiprocessing.Pool: a Ctrl-C could leave Pool.terminate() waiting forever on a queue lock a
    worker held while blocked writing a large result (3 hangs in 13 interrupts); with no lock
    shared between processes, an interrupted run kills its workers and is done.
    """
    if jobs <= 1:
        initializer(*initargs)
        for item in items:
            yield func(item)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    workers = []
    try:
        for _ in range(jobs):
            task_out, task_in = ctx.Pipe(duplex=False)
            result_out, result_in = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(task_out, result_in, func, initializer, initargs), daemon=True)
            proc.start()
            task_out.close()
            result_in.close()
            workers.append((proc, task_in, result_out))
        sent = received = 0
        items = iter(items)
        more = True
        while True:
            while more and sent - received < 2 * jobs:
                item = next(items, None)
                if item is None:
                    more = False
                    break
                workers[sent % jobs][1].send(item)
                sent += 1
            if received == sent:
                break
            proc, _, results = workers[received % jobs]
            try:
                ok, value = results.recv()
            except EOFError:
                raise RuntimeError(f"a segmentation process ended unexpectedly (exit code {proc.exitcode})") from None
            received += 1
            if not ok:
                raise value
            yield value
        for _, tasks, _ in workers:
            tasks.send(None)
        for proc, _, _ in workers:
            proc.join()
    finally:
        for proc, tasks, results in workers:
            if proc.is_alive():
                proc.kill()
            proc.join()
            tasks.close()
            results.close()
