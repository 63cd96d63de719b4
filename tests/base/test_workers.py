"""w2vkit.base.workers.ordered_map: results in order, bounded reading ahead, errors and dead workers
reported in the parent."""

import os
import signal

import pytest

from w2vkit.base.workers import ordered_map

_offset = 0


def _set_offset(offset):
    global _offset
    _offset = offset


def _work(item):
    if item == "fail":
        raise ValueError("bad item 'fail'")
    if item == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    # Large results and uneven work: the pipes fill up and workers finish out of order.
    return (item + _offset, "x" * (200_000 if item % 3 == 0 else 10))


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_order_with_the_initializer_applied(jobs):
    results = list(ordered_map(_work, iter(range(200)), jobs, _set_offset, (1000,)))
    assert [r[0] for r in results] == [i + 1000 for i in range(200)]
    assert [len(r[1]) for r in results] == [200_000 if i % 3 == 0 else 10 for i in range(200)]


def test_the_input_is_read_at_most_two_items_per_worker_ahead():
    taken = []

    def items():
        for i in range(100):
            taken.append(i)
            yield i

    results = ordered_map(_work, items(), 2, _set_offset, (0,))
    for expected in range(10):
        assert next(results)[0] == expected
        assert len(taken) <= expected + 1 + 2 * 2
    results.close()


def test_an_error_in_a_worker_is_raised_in_the_parent_with_its_message():
    with pytest.raises(ValueError, match="bad item 'fail'"):
        list(ordered_map(_work, iter([1, 2, "fail", 4, 5]), 2, _set_offset, (0,)))


def test_a_worker_that_dies_ends_the_run_with_an_error():
    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        list(ordered_map(_work, iter([1, 2, "die", 4, 5, 6]), 2, _set_offset, (0,)))
