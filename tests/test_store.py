"""Reading the store: images.json rules, big-data file names and the shared read locks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from criimages.config import StoreConfig
from criimages.errors import StoreError
from criimages.store import big_data_file_name, open_store
from tests.conftest import CONFORMANCE_STORE

ID_A = "a" * 64
ID_B = "b" * 64


def config(root: Path) -> StoreConfig:
    return StoreConfig(graph_root=root, run_root=root / "run", driver="vfs")


def write_images(root: Path, records: list) -> None:
    (root / "vfs-images").mkdir(parents=True, exist_ok=True)
    (root / "vfs-images" / "images.json").write_text(json.dumps(records))


@pytest.mark.parametrize(
    ("key", "file_name"),
    [
        ("manifest", "manifest"),
        ("sha256:abc", "=c2hhMjU2OmFiYw=="),
        ("manifest-sha256:ab", "=bWFuaWZlc3Qtc2hhMjU2OmFi"),
        ("Manifest", "=TWFuaWZlc3Q="),
        ("a.b.1", "a.b.1"),
    ],
)
def test_big_data_file_name_encodes_like_containers_storage(key: str, file_name: str) -> None:
    assert big_data_file_name(key) == file_name


def test_later_image_takes_duplicate_name(tmp_path: Path) -> None:
    write_images(tmp_path, [{"id": ID_A, "names": ["x/y:1", "x/y:2"]}, {"id": ID_B, "names": ["x/y:1"]}])

    images = open_store(config(tmp_path)).images

    assert images[0].names == ("x/y:2",)
    assert images[1].names == ("x/y:1",)


def test_digest_list_order(tmp_path: Path) -> None:
    first, second = "sha256:" + "1" * 64, "sha256:" + "2" * 64
    write_images(tmp_path, [{"id": ID_A, "digest": first, "big-data-digests": {"manifest": second, f"manifest-{first}": first, "sha256:c": "sha256:" + "3" * 64}}])

    assert open_store(config(tmp_path)).images[0].digests == (first, second)


def test_invalid_image_id_is_rejected(tmp_path: Path) -> None:
    write_images(tmp_path, [{"id": "../../etc"}])

    with pytest.raises(StoreError, match=r"image ID '\.\./\.\./etc' is not 64 lowercase hex digits"):
        open_store(config(tmp_path))


def test_wrong_field_type_is_rejected(tmp_path: Path) -> None:
    write_images(tmp_path, [{"id": ID_A, "names": "x/y:1"}])

    with pytest.raises(StoreError, match="names must be an array, found a string"):
        open_store(config(tmp_path))


def test_invalid_digest_is_rejected(tmp_path: Path) -> None:
    write_images(tmp_path, [{"id": ID_A, "digest": "sha256:xyz"}])

    with pytest.raises(StoreError, match="digest 'sha256:xyz'"):
        open_store(config(tmp_path))


def test_incomplete_layer_is_ignored(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    (tmp_path / "vfs-layers").mkdir()
    (tmp_path / "vfs-layers" / "layers.json").write_text(json.dumps([{"id": "l1", "flags": {"incomplete": True}}, {"id": "l2"}]))

    assert set(open_store(config(tmp_path)).layers) == {"l2"}


def test_volatile_layers_are_loaded(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    (tmp_path / "vfs-layers").mkdir()
    (tmp_path / "vfs-layers" / "volatile-layers.json").write_text(json.dumps([{"id": "v1", "diff-size": 5}]))

    assert open_store(config(tmp_path)).layers["v1"].diff_size == 5


def test_layer_found_by_unique_prefix(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    (tmp_path / "vfs-layers").mkdir()
    (tmp_path / "vfs-layers" / "layers.json").write_text(json.dumps([{"id": "abc123"}, {"id": "abd456"}]))
    store = open_store(config(tmp_path))

    assert store.find_layer("abc").id == "abc123"
    assert store.find_layer("ab") is None


def test_additional_store_images_follow_primary(tmp_path: Path) -> None:
    primary, extra = tmp_path / "primary", tmp_path / "extra"
    write_images(primary, [{"id": ID_A}])
    write_images(extra, [{"id": ID_B}])

    store = open_store(StoreConfig(graph_root=primary, run_root=tmp_path, driver="vfs", additional_image_stores=(extra,)))

    assert [image.id for image in store.images] == [ID_A, ID_B]
    assert [image.read_only for image in store.images] == [False, True]


def test_reading_creates_no_lock_file(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    open_store(config(tmp_path))

    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def hold_lock(path: Path, exclusive: bool = True) -> subprocess.Popen:
    """Start a process that holds an fcntl lock on path until it is killed.

    fcntl locks never conflict within one process, so the holder must be another process.
    """
    mode, operation = ("os.O_RDWR", "fcntl.LOCK_EX") if exclusive else ("os.O_RDONLY", "fcntl.LOCK_SH")
    script = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(path)!r}, {mode})\n"
        f"fcntl.lockf(fd, {operation})\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "locked\n"
    return process


def test_writer_lock_makes_reader_time_out(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    lock = tmp_path / "vfs-images" / "images.lock"
    lock.write_text("")
    writer = hold_lock(lock)
    try:
        with pytest.raises(StoreError, match=f"timed out after 0.2 s waiting for the read lock on '{lock}'"):
            open_store(config(tmp_path), lock_timeout=0.2)
    finally:
        writer.kill()
        writer.wait()


def test_reader_waits_for_writer_to_finish(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    lock = tmp_path / "vfs-images" / "images.lock"
    lock.write_text("")
    writer = hold_lock(lock)
    try:
        time.sleep(0.1)
        writer.kill()
        writer.wait()

        assert open_store(config(tmp_path), lock_timeout=5).images == ()
    finally:
        writer.kill()


def test_read_lock_is_shared_with_other_readers(tmp_path: Path) -> None:
    write_images(tmp_path, [])
    lock = tmp_path / "vfs-images" / "images.lock"
    lock.write_text("")
    reader = hold_lock(lock, exclusive=False)
    try:
        assert open_store(config(tmp_path), lock_timeout=0).images == ()
    finally:
        reader.kill()
        reader.wait()


def test_conformance_store_loads_all_images() -> None:
    store = open_store(config(CONFORMANCE_STORE))

    assert len(store.images) == 13
    assert len(store.layers) == 14
