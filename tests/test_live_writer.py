"""Listing a store while another process rewrites it or holds its write lock.

containers/storage replaces images.json and layers.json by renaming a temporary file over each,
while it holds the fcntl write locks on layers.lock and images.lock, taken in that order. A reader
that takes the shared read locks reads one whole version of the store or the other, never a mix.
It must also never hold one lock while it waits for the other in a way that blocks the writer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from criimages.convert import PARALLEL_MIN_BYTES
from tests.conftest import CONFORMANCE_STORE, isolated_options
from tests.test_synthetic import load_generator

WRITER = Path(__file__).parent / "store_writer.py"

LISTINGS = 1000
WORKERS = 4
# The writer holds the locks only while it writes two small files, so a listing that waits this many
# seconds has met a lock that is not released in time.
LOCK_TIMEOUT = "2"

# The image that the second version of the store lacks: nginx:1.25. The second version also lacks
# its two top layers, which no other image uses, so a reader that took images.json from the first
# version and layers.json from the second would fail on a missing layer.
REMOVED_IMAGE = "a6655036867ed6b61e739f9d5621f5c88cdb5b65043da5317ea09fb9a4db21ed"


def child_environment(cwd: Path) -> dict[str, str]:
    """Return this environment without the variables that would point criimages at another store.

    Compiled modules go to a cache under cwd. With PYTHONDONTWRITEBYTECODE set, every listing
    would compile criimages again: 0.10 s per listing instead of 0.077 s on the 2-CPU machine
    where the test was written.
    """
    environment = dict(os.environ)
    for variable in ("CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "STORAGE_DRIVER", "STORAGE_OPTS", "PYTHONDONTWRITEBYTECODE"):
        environment.pop(variable, None)
    environment["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
    return environment


def run_criimages(options: list[str], *arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed criimages in a new process, from cwd, which must lie outside the repository."""
    return subprocess.run(
        [sys.executable, "-m", "criimages", *options, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=child_environment(cwd),
        timeout=60,
    )


def write_version(folder: Path, images: list, layers: list) -> Path:
    folder.mkdir(parents=True)
    # Compact, as containers/storage writes them: the pieces that convert_store cuts need it.
    (folder / "images.json").write_text(json.dumps(images, separators=(",", ":")))
    (folder / "layers.json").write_text(json.dumps(layers, separators=(",", ":")))
    return folder


def layer_chain(top_layer: str, parents: dict[str, str]) -> set[str]:
    chain = set()
    while top_layer:
        chain.add(top_layer)
        top_layer = parents[top_layer]
    return chain


@pytest.fixture
def live_store(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Build a store root with lock files and two versions of its JSON files.

    Returns the root, the first version's folder and the second version's folder. The root starts
    as the first version, and the big-data folders of every image of both versions are present.
    """
    root = tmp_path / "store"
    shutil.copytree(CONFORMANCE_STORE, root)
    (root / "vfs-images" / "images.lock").write_bytes(b"")
    (root / "vfs-layers" / "layers.lock").write_bytes(b"")

    images = json.loads((root / "vfs-images" / "images.json").read_text())
    layers = json.loads((root / "vfs-layers" / "layers.json").read_text())
    parents = {layer["id"]: layer.get("parent", "") for layer in layers}
    used_elsewhere = set()
    for image in images:
        if image["id"] != REMOVED_IMAGE:
            used_elsewhere |= layer_chain(image.get("layer", ""), parents)
    removed_image = next(image for image in images if image["id"] == REMOVED_IMAGE)
    removed_layers = layer_chain(removed_image["layer"], parents) - used_elsewhere
    assert len(removed_layers) == 2

    first = write_version(tmp_path / "first", images, layers)
    second = write_version(
        tmp_path / "second",
        [image for image in images if image["id"] != REMOVED_IMAGE],
        [layer for layer in layers if layer["id"] not in removed_layers],
    )
    return root, first, second


def start_writer(root: Path, *versions: Path) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(root / "vfs-images"), str(root / "vfs-layers"), *map(str, versions)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline() == "ready\n"
    return writer


def stop_writer(writer: subprocess.Popen) -> int:
    """Stop the writer and return the number of rewrites it completed."""
    writer.terminate()
    try:
        output, _ = writer.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        writer.kill()
        writer.wait()
        raise
    return int(output.strip())


def test_listing_never_sees_half_a_rewrite(live_store: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, first, second = live_store
    rewrites = list_during_rewrites(root, first, second, tmp_path, LISTINGS)
    assert rewrites >= 100, f"the writer replaced the files only {rewrites} times during the listings"


def test_listing_in_processes_never_sees_half_a_rewrite(tmp_path: Path) -> None:
    """The same on a store large enough for convert_store to share it between processes."""
    root = tmp_path / "store"
    load_generator().generate(root, 700, seed=5)
    images_path = root / "vfs-images" / "images.json"
    assert images_path.stat().st_size >= PARALLEL_MIN_BYTES
    (root / "vfs-images" / "images.lock").write_bytes(b"")
    (root / "vfs-layers" / "layers.lock").write_bytes(b"")

    images = json.loads(images_path.read_text())
    layers = json.loads((root / "vfs-layers" / "layers.json").read_text())
    parents = {layer["id"]: layer.get("parent", "") for layer in layers}
    removed_image = images[-1]
    used_elsewhere = set().union(*(layer_chain(image["layer"], parents) for image in images[:-1]))
    removed_layers = layer_chain(removed_image["layer"], parents) - used_elsewhere
    first = write_version(tmp_path / "first", images, layers)
    second = write_version(tmp_path / "second", images[:-1], [layer for layer in layers if layer["id"] not in removed_layers])

    rewrites = list_during_rewrites(root, first, second, tmp_path, 200)
    assert rewrites >= 20, f"the writer replaced the files only {rewrites} times during the listings"


def list_during_rewrites(root: Path, first: Path, second: Path, tmp_path: Path, listings: int) -> int:
    """List the store `listings` times while a writer swaps its two versions; return the writer's rewrites.

    Every listing must succeed and print exactly the listing of one of the two versions.
    """
    options = [*isolated_options(root, tmp_path), "--lock-timeout", LOCK_TIMEOUT]
    expected_first = run_criimages(options, "list", "-q", cwd=tmp_path)
    shutil.copy(second / "images.json", root / "vfs-images" / "images.json")
    shutil.copy(second / "layers.json", root / "vfs-layers" / "layers.json")
    expected_second = run_criimages(options, "list", "-q", cwd=tmp_path)
    assert expected_first.returncode == 0, expected_first.stderr
    assert expected_second.returncode == 0, expected_second.stderr
    assert expected_first.stdout != expected_second.stdout
    expected = {expected_first.stdout, expected_second.stdout}

    # The first listing that fails or prints something unexpected stops the rest, so that a broken
    # reader fails the test in seconds instead of waiting out the lock timeout a thousand times.
    stop = threading.Event()

    def list_once(_: int) -> subprocess.CompletedProcess | None:
        if stop.is_set():
            return None
        result = run_criimages(options, "list", "-q", cwd=tmp_path)
        if result.returncode != 0 or result.stdout not in expected or result.stderr:
            stop.set()
        return result

    writer = start_writer(root, first, second)
    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = [result for result in pool.map(list_once, range(listings)) if result is not None]
    finally:
        rewrites = stop_writer(writer)

    failures = [result.stderr for result in results if result.returncode != 0]
    unexpected = [result.stdout for result in results if result.returncode == 0 and result.stdout not in expected]
    assert failures == [], f"{len(failures)} of the {len(results)} listings run failed"
    assert unexpected == []
    assert [result.stderr for result in results if result.stderr] == []
    assert len(results) == listings
    assert {result.stdout for result in results} == expected, "the listings saw only one version of the store"
    return rewrites


def hold_write_lock(path: Path) -> subprocess.Popen:
    """Start a process that takes the fcntl write lock on path and keeps it until it is killed."""
    script = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


@pytest.mark.parametrize("lock_name", ["vfs-images/images.lock", "vfs-layers/layers.lock"])
def test_held_write_lock_times_out(live_store: tuple[Path, Path, Path], tmp_path: Path, lock_name: str) -> None:
    root, _, _ = live_store
    lock = root / lock_name
    options = [*isolated_options(root, tmp_path), "--lock-timeout", "0.5"]

    holder = hold_write_lock(lock)
    try:
        started = time.monotonic()
        result = run_criimages(options, "list", "-q", cwd=tmp_path)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("criimages: ")
    assert f"'{lock}'" in result.stderr
    assert "timed out" in result.stderr
    assert elapsed >= 0.5
    assert elapsed < 5
