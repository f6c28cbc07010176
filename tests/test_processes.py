"""Listing in several processes gives what listing in one gives, or leaves the store to one process."""

import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criimages import convert, processes
from criimages.config import StoreConfig
from criimages.convert import SkippedImage, convert_images, convert_store
from criimages.errors import CriimagesError
from criimages.files import array_cuts, array_piece
from criimages.store import open_store
from tests.conftest import BUILT_STORES, CONFORMANCE_STORE
from tests.test_fuzz import IMAGE_LISTS, LAYER_LISTS

STORES = {"conformance": CONFORMANCE_STORE, **{path.name: path for path in sorted(BUILT_STORES.iterdir()) if path.is_dir()}}


def config_for(root: Path) -> StoreConfig:
    return StoreConfig(graph_root=root, run_root=root / "run", driver="vfs")


def one_process(root: Path, skipped: list[SkippedImage] | None = None) -> Any:
    """Return the listing of one process, or the error message it raises."""
    try:
        return convert_images(open_store(config_for(root), 0), (), skipped)
    except CriimagesError as error:
        return f"error: {error}"


def several_processes(root: Path, skipped: list[SkippedImage] | None = None) -> Any:
    try:
        return convert_store(config_for(root), 0, (), skipped)
    except CriimagesError as error:
        return f"error: {error}"


@pytest.fixture(params=[2, 3, 4])
def forced(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Make convert_store fork for any store, with 2, 3 or 4 processes."""
    monkeypatch.setattr(convert, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(convert, "available_cpus", lambda: request.param)
    return request.param


def rewrite_compact(root: Path, edit: Callable[[list], object] = lambda records: None) -> None:
    """Rewrite images.json with edit applied, compact as containers/storage writes it."""
    path = root / "vfs-images" / "images.json"
    records = json.loads(path.read_text())
    edit(records)
    path.write_text(json.dumps(records, separators=(",", ":")))


@pytest.fixture
def copied(tmp_path: Path) -> Callable[[Path], Path]:
    def copy(source: Path) -> Path:
        target = tmp_path / "store"
        shutil.copytree(source, target)
        return target

    return copy


@pytest.mark.parametrize("name", sorted(STORES))
def test_store_in_processes_as_in_one(name: str, forced: int, copied, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copied(STORES[name])
    rewrite_compact(root)
    expected = one_process(root)
    healthy = not isinstance(expected, str)

    if healthy:
        # A store whose every image converts must not need the one-process path.
        monkeypatch.setattr(convert, "convert_images", lambda *arguments: pytest.fail("fell back to one process"))
    assert several_processes(root) == expected


def test_committed_stores_include_a_healthy_one() -> None:
    assert any(not isinstance(one_process(root), str) for root in STORES.values())


def test_workers_each_convert_a_piece(forced: int, copied, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copied(CONFORMANCE_STORE)
    rewrite_compact(root)
    sizes: list[int] = []
    real_run_shards = convert.run_shards

    def counting_run_shards(shard, count):
        results = real_run_shards(shard, count)
        sizes.extend(len(part[0]) for part in results)
        return results

    monkeypatch.setattr(convert, "run_shards", counting_run_shards)
    images = several_processes(root)

    assert sum(sizes) == len(images)
    assert sizes.count(0) == 0, f"a process had nothing to convert: {sizes}"


def test_broken_image_gives_the_one_process_error(forced: int, copied) -> None:
    root = copied(CONFORMANCE_STORE)
    records = json.loads((root / "vfs-images" / "images.json").read_text())
    # Break the manifest of the last image, which another process than this one converts.
    (root / "vfs-images" / records[-1]["id"] / "manifest").write_bytes(b"{not json")
    rewrite_compact(root)

    expected = one_process(root)
    assert expected.startswith("error: ")
    assert several_processes(root) == expected


def test_skip_broken_records_the_same_skips(forced: int, copied) -> None:
    root = copied(CONFORMANCE_STORE)
    records = json.loads((root / "vfs-images" / "images.json").read_text())
    for record in (records[0], records[-1]):
        (root / "vfs-images" / record["id"] / "manifest").write_bytes(b"[]")
    rewrite_compact(root)

    expected_skipped: list[SkippedImage] = []
    expected = one_process(root, expected_skipped)
    skipped: list[SkippedImage] = []

    assert several_processes(root, skipped) == expected
    assert skipped == expected_skipped
    assert len(skipped) == 2


def test_invalid_record_gives_the_one_process_error(forced: int, copied) -> None:
    root = copied(CONFORMANCE_STORE)
    rewrite_compact(root, lambda records: records[-1].update({"names": "not a list"}))

    expected = one_process(root)
    assert "names must be an array" in expected
    assert several_processes(root) == expected


def test_name_in_two_pieces(forced: int, copied) -> None:
    root = copied(CONFORMANCE_STORE)
    rewrite_compact(root, lambda records: records[-1].setdefault("names", []).append(records[0]["names"][0]))

    expected = one_process(root)
    assert not isinstance(expected, str)
    assert several_processes(root) == expected


def test_image_in_two_stores_reads_the_first_store(forced: int, copied, tmp_path: Path) -> None:
    root = copied(CONFORMANCE_STORE)
    rewrite_compact(root)
    additional = tmp_path / "additional"
    shutil.copytree(root, additional)
    config = config_for(root)._replace(additional_image_stores=(additional,))

    expected = convert_images(open_store(config, 0))
    assert convert_store(config, 0) == expected


def test_pretty_printed_store_in_one_process(forced: int, copied) -> None:
    root = copied(CONFORMANCE_STORE)
    path = root / "vfs-images" / "images.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2))

    assert several_processes(root) == one_process(root)


# A flat JSON array of objects whose strings may hold "},{" and whose values may nest such arrays.
OBJECTS = st.dictionaries(
    st.sampled_from(["id", "names", "x"]),
    st.text(alphabet="ab},{[]\"\\") | st.lists(st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 9)), max_size=3),
    max_size=3,
)


@settings(max_examples=400, deadline=None)
@given(elements=st.lists(OBJECTS, max_size=12), parts=st.integers(1, 5))
def test_valid_pieces_hold_whole_array(elements: list[dict], parts: int) -> None:
    text = json.dumps(elements, separators=(",", ":")).encode()
    cuts = array_cuts(text, parts)
    try:
        pieces = [json.loads(array_piece(text, cuts, index)) for index in range(parts)]
    except ValueError:
        return  # a cut inside a string or a nested value: the caller converts in one process
    assert [element for piece in pieces for element in piece] == elements


@settings(max_examples=200, deadline=None)
@given(elements=st.lists(st.dictionaries(st.sampled_from(["id", "layer"]), st.text(alphabet="abc")), max_size=20), parts=st.integers(1, 5))
def test_flat_records_cut_validly(elements: list[dict], parts: int) -> None:
    text = json.dumps(elements, separators=(",", ":")).encode()
    cuts = array_cuts(text, parts)
    pieces = [json.loads(array_piece(text, cuts, index)) for index in range(parts)]
    assert [element for piece in pieces for element in piece] == elements


def test_run_shards_returns_the_shards_in_order() -> None:
    assert processes.run_shards(lambda index, count: [index] * 3, 4) == [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]


def test_failed_worker_shard_is_computed_here() -> None:
    parent = os.getpid()

    def shard(index: int, count: int) -> list:
        if os.getpid() != parent:
            raise RuntimeError("worker failure")
        return [index]

    assert processes.run_shards(shard, 3) == [[0], [1], [2]]


def test_unmarshallable_result_computed_here() -> None:
    parent = os.getpid()
    assert processes.run_shards(lambda index, count: [object()] if os.getpid() != parent else [index], 2) == [[0], [1]]


def test_exception_here_reaps_workers() -> None:
    def shard(index: int, count: int) -> list:
        if index == 0:
            raise KeyError("first shard")
        return [index]

    with pytest.raises(KeyError):
        processes.run_shards(shard, 3)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("processes") / "store"
    shutil.copytree(CONFORMANCE_STORE, root)
    return root


@settings(max_examples=150, deadline=None)
@given(
    images=IMAGE_LISTS,
    layers=LAYER_LISTS,
    count=st.integers(2, 4),
    skip=st.booleans(),
)
def test_edited_stores_in_processes(fuzz_root: Path, images: list, layers: list, count: int, skip: bool) -> None:
    (fuzz_root / "vfs-images" / "images.json").write_text(json.dumps(images, separators=(",", ":")))
    (fuzz_root / "vfs-layers" / "layers.json").write_text(json.dumps(layers, separators=(",", ":")))
    expected_skipped: list[SkippedImage] | None = [] if skip else None
    skipped: list[SkippedImage] | None = [] if skip else None
    expected = one_process(fuzz_root, expected_skipped)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(convert, "PARALLEL_MIN_BYTES", 0)
        patch.setattr(convert, "available_cpus", lambda: count)
        assert several_processes(fuzz_root, skipped) == expected
    assert skipped == expected_skipped


def test_process_with_threads_does_not_fork() -> None:
    import threading

    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert processes.available_cpus() == 1
    finally:
        release.set()
        thread.join()
