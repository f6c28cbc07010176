"""Spread per-image work over the machine's CPUs with forked worker processes.

Converting an image reads and checks two or three small files, and a node with thousands of images
spends most of a listing there. Python runs one thread at a time, so a large listing forks a worker
per extra CPU: each worker takes one slice of the images and sends its results back through a pipe
in marshal format, while this process converts the first slice. A worker that fails for any reason
costs only time: this process then redoes its slice.
"""

import marshal
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")

# Below this many items per process a fork costs more than it saves (bench/run.py measures it).
MIN_ITEMS_PER_PROCESS = 500
MAX_PROCESSES = 4


def process_count(items: int) -> int:
    """Return how many processes should share `items` items: 1 without fork or with too few items."""
    if not hasattr(os, "fork"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux: no CPU affinity to respect
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_PROCESSES, items // MIN_ITEMS_PER_PROCESS))


def map_in_processes(function: Callable[[Item], Any], items: Sequence[Item], processes: int) -> list[Any]:
    """Return [function(item) for item in items], computed by `processes` processes.

    function must not raise, and its results must be values that marshal can carry: None, bools,
    numbers, strings, bytes, and tuples, lists and dicts of them.
    """
    if processes <= 1:
        return [function(item) for item in items]

    bounds = [len(items) * index // processes for index in range(processes + 1)]
    slices = [items[start:end] for start, end in zip(bounds, bounds[1:])]
    workers: list[tuple[int, int, Sequence[Item]]] = []
    try:
        for part in slices[1:]:
            workers.append(_start_worker(function, part))
        results = [function(item) for item in slices[0]]
        while workers:
            pid, read_fd, part = workers.pop(0)
            results += _collect(pid, read_fd, function, part)
        return results
    finally:
        for pid, read_fd, _ in workers:
            _stop(pid, read_fd)


def _start_worker(function: Callable[[Item], Any], part: Sequence[Item]) -> tuple[int, int, Sequence[Item]]:
    """Fork a worker for part and return its pid and the read end of its pipe; pid 0 if none could start."""
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        # Out of processes or memory: _collect computes the slice here.
        os.close(write_fd)
        return 0, read_fd, part
    if pid == 0:
        os.close(read_fd)
        _work(function, part, write_fd)
    os.close(write_fd)
    return pid, read_fd, part


def _work(function: Callable[[Item], Any], part: Sequence[Item], write_fd: int) -> None:
    """Run in the worker: send the results of its slice, then exit without running the parent's cleanup."""
    status = 1
    try:
        remaining = memoryview(marshal.dumps([function(item) for item in part]))
        while remaining:
            remaining = remaining[os.write(write_fd, remaining) :]
        status = 0
    finally:
        # os._exit: no atexit handlers, no flush of stdout buffers copied from the parent.
        os._exit(status)


def _collect(pid: int, read_fd: int, function: Callable[[Item], Any], part: Sequence[Item]) -> list[Any]:
    """Read a worker's results; compute its slice here if it failed, did not start or sent something unreadable."""
    chunks = []
    try:
        while chunk := os.read(read_fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(read_fd)
    if pid:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            try:
                results = marshal.loads(b"".join(chunks))
            except (EOFError, ValueError, TypeError):
                results = None
            if isinstance(results, list) and len(results) == len(part):
                return results
    return [function(item) for item in part]


def _stop(pid: int, read_fd: int) -> None:
    """Stop a worker whose results are no longer wanted, after an exception in this process."""
    os.close(read_fd)
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
