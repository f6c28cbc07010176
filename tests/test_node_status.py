"""The kubelet's view: .status.images, largest first, capped, five names at most."""

from __future__ import annotations

import json
from pathlib import Path

from criimages.convert import CriImage
from criimages.output import node_status_json
from tests.conftest import BUILT_STORES, CONFORMANCE_STORE, MAIN_SET, isolated_options


def image(image_id: str, size: int, tags=(), digests=()) -> CriImage:
    return CriImage(image_id, tuple(tags), tuple(digests), size, None, "", False)


def test_names_are_digests_then_tags_capped_at_five() -> None:
    entry = json.loads(node_status_json([image("a", 5, [f"t{i}" for i in range(4)], ["d1", "d2"])]))[0]

    assert entry["names"] == ["d1", "d2", "t0", "t1", "t2"]


def test_image_without_names_shows_null() -> None:
    assert node_status_json([image("a", 5)]) == '[\n  {\n    "names": null,\n    "sizeBytes": 5\n  }\n]\n'


def test_zero_size_is_left_out() -> None:
    assert json.loads(node_status_json([image("a", 0, ["t"])])) == [{"names": ["t"]}]


def test_no_images_prints_null() -> None:
    assert node_status_json([]) == "null\n"


def test_images_sorted_by_size_then_id_descending(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BUILT_STORES / "basic", tmp_path), "node-status", "--max-images", "-1")
    listed = json.loads(invoke(*isolated_options(BUILT_STORES / "basic", tmp_path), "list", "-o", "json").stdout)["images"]

    entries = json.loads(result.stdout)
    expected = sorted(listed, key=lambda i: (int(i["size"]), i["id"]), reverse=True)
    assert result.exit_code == 0, result.stderr
    assert [e.get("sizeBytes") for e in entries] == [int(i["size"]) for i in expected]
    assert [e["names"] for e in entries] == [(i["repoDigests"] + i["repoTags"])[:5] or None for i in expected]


def test_default_cap_is_50(invoke, tmp_path: Path) -> None:
    root = tmp_path / "many"
    from tests.test_synthetic import load_generator

    load_generator().generate(root, 60, seed=2)

    result = invoke(*isolated_options(root, tmp_path), "node-status")

    assert len(json.loads(result.stdout)) == 50


def test_cap_keeps_largest(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "node-status", "--max-images", "2")

    assert [e["sizeBytes"] for e in json.loads(result.stdout)] == [10320409, 5313509]


def test_fallback_name_appears_for_dangling_image(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "node-status")

    names = [e["names"] for e in json.loads(result.stdout)]
    assert ["docker.io/library/busybox@sha256:3a8c1e39a1fd27047c33a34027b93ed79a085175e081e478bf6fe117dedf40c2"] in names


def test_invalid_max_images_fails(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path), "node-status", "--max-images", "x")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "'x' is not a valid integer" in result.stderr
