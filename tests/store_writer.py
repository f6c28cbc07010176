"""A stand-in for a containers/storage writer that keeps replacing images.json and layers.json.

Run as a script: `python store_writer.py IMAGES_DIR LAYERS_DIR VERSION_DIR VERSION_DIR...`. Each
VERSION_DIR contains an images.json and a layers.json. In every cycle the writer takes the fcntl
write locks on IMAGES_DIR/images.lock and LAYERS_DIR/layers.lock, replaces both JSON files with the
next version's, records a new token in each lock file and releases the locks. It prints "ready"
once the first version is in place, and the number of cycles it completed when SIGTERM stops it.

The steps are those of containers/storage (store.go writeToAllStores, pkg/lockfile and
pkg/ioutils AtomicWriteFile): the layers lock is taken before the images lock, each file is
written to a temporary file in its folder with mode 0600 and renamed over the old one, and the
lock file contains a token that identifies the last writer.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

# Time between two rewrites, so that readers that poll for the lock get a chance to take it.
PAUSE_SECONDS = 0.005


def replace_file(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path and rename it over path."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name}")
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.rename(temporary, path)


def record_write(lock_fd: int) -> None:
    """Store a new last-writer token in a lock file, as containers/storage does after each write."""
    os.pwrite(lock_fd, os.urandom(32).hex().encode(), 0)


def main(arguments: list[str]) -> int:
    images_dir, layers_dir = Path(arguments[0]), Path(arguments[1])
    versions = [
        ((Path(folder) / "images.json").read_bytes(), (Path(folder) / "layers.json").read_bytes())
        for folder in arguments[2:]
    ]

    stopping = False

    def stop(signal_number: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)

    layers_lock = os.open(layers_dir / "layers.lock", os.O_RDWR)
    images_lock = os.open(images_dir / "images.lock", os.O_RDWR)
    cycles = 0
    while not stopping:
        images_data, layers_data = versions[cycles % len(versions)]
        fcntl.lockf(layers_lock, fcntl.LOCK_EX)
        fcntl.lockf(images_lock, fcntl.LOCK_EX)
        replace_file(layers_dir / "layers.json", layers_data)
        replace_file(images_dir / "images.json", images_data)
        record_write(layers_lock)
        record_write(images_lock)
        fcntl.lockf(images_lock, fcntl.LOCK_UN)
        fcntl.lockf(layers_lock, fcntl.LOCK_UN)

        if cycles == 0:
            print("ready", flush=True)
        cycles += 1
        time.sleep(PAUSE_SECONDS)

    print(cycles, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
