"""Share a large listing's work between the machine's CPUs with forked worker processes.

Converting an image reads and checks two or three small files, and a node with thousands of images
spends most of a listing there. Python runs one thread at a time, so a large listing forks one
worker per extra CPU. The work is cut into shards: this process computes the first, each worker
computes one of the others and sends its results back through a pipe in marshal format. A worker
that fails for any reason costs only time: this process then computes its shard itself.
"""

import marshal
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

# Maximum number of processes that share a listing, this one included.
MAX_PROCESSES = 4

Shard = Callable[[int, int], list[Any]]


def available_cpus() -> int:
    """Return how many processes may share work: the CPUs this process may run on.

    1 where fork is missing, and in a process that runs other threads: a forked copy of it could
    wait forever on a lock that one of them held.
    """
    threading = sys.modules.get("threading")
    if not hasattr(os, "fork") or (threading is not None and threading.active_count() > 1):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux: no CPU affinity to respect
        return os.cpu_count() or 1


def run_shards(shard: Shard, count: int) -> list[list[Any]]:
    """Return [shard(0, count), shard(1, count), ...], each computed in its own process.

    shard(index, count) runs in a forked copy of this process for every index but 0. Its results
    must be values that marshal can carry: None, bools, numbers, strings, bytes, and tuples, lists
    and dicts of them. An exception in shard(0, count) propagates, after the workers are stopped.
    """
    workers: list[tuple[int, int, int]] = []
    try:
        for index in range(1, count):
            workers.append(_start_worker(shard, index, count))
        results = [shard(0, count)]
        while workers:
            pid, read_fd, index = workers.pop(0)
            results.append(_collect(pid, read_fd, shard, index, count))
        return results
    finally:
        for pid, read_fd, _ in workers:
            _stop(pid, read_fd)


def _start_worker(shard: Shard, index: int, count: int) -> tuple[int, int, int]:
    """Fork a worker for shard index; return its pid (0 if none could start) and its pipe's read end."""
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        # Out of processes or memory: _collect computes the shard here.
        os.close(write_fd)
        return 0, read_fd, index
    if pid == 0:
        os.close(read_fd)
        _work(shard, index, count, write_fd)
    os.close(write_fd)
    return pid, read_fd, index


def _work(shard: Shard, index: int, count: int, write_fd: int) -> None:
    """Run in the worker: send the shard's results, then exit without running the parent's cleanup."""
    status = 1
    try:
        remaining = memoryview(marshal.dumps(shard(index, count)))
        while remaining:
            remaining = remaining[os.write(write_fd, remaining) :]
        status = 0
    finally:
        # os._exit: no atexit handlers, no flush of stdout buffers copied from the parent.
        os._exit(status)


def _collect(pid: int, read_fd: int, shard: Shard, index: int, count: int) -> list[Any]:
    """Read a worker's results; compute its shard here if it failed, did not start or sent something unreadable."""
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
            if isinstance(results, list):
                return results
    return shard(index, count)


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
