"""The conversion rules on stores that buildah, skopeo and podman wrote (tests/fixtures/make-stores.sh)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from criimages import manifest
from criimages.manifest import Platform
from tests.conftest import BUILT_STORES, edit_images_json, isolated_options

BASIC = BUILT_STORES / "basic"
MANIFEST_LIST = BUILT_STORES / "manifest-list"


def table(invoke, root: Path, tmp_path: Path, *options: str) -> list[list[str]]:
    result = invoke(*isolated_options(root, tmp_path), "list", *options)
    assert result.exit_code == 0, result.stderr
    return [line.split() for line in result.stdout.splitlines()[1:]]


def rows_of(rows: list[list[str]], image_id: str) -> list[list[str]]:
    return [row for row in rows if any(cell.startswith(image_id) for cell in row[2:])]


def json_images(invoke, root: Path, tmp_path: Path) -> dict[str, dict]:
    result = invoke(*isolated_options(root, tmp_path), "list", "-o", "json")
    assert result.exit_code == 0, result.stderr
    return {image["id"][:12]: image for image in json.loads(result.stdout)["images"]}


def test_tags_in_several_repositories_give_one_row_each(invoke, tmp_path: Path) -> None:
    rows = rows_of(table(invoke, BASIC, tmp_path), "68ab496685fc")

    assert [row[:2] for row in rows] == [
        ["docker.io/library/tools", "2"],
        ["localhost/tools", "2"],
        ["localhost/tools", "latest"],
        ["quay.io/example/tools", "stable"],
    ]


def test_digest_column_repeats_first_repo_digest(invoke, tmp_path: Path) -> None:
    rows = rows_of(table(invoke, BASIC, tmp_path, "--digests"), "68ab496685fc")

    assert {row[2] for row in rows} == {"9420ddfd3f221"}


def test_image_that_lost_its_tag_shows_previous_name(invoke, tmp_path: Path) -> None:
    rows = rows_of(table(invoke, BASIC, tmp_path, "--digests"), "90ca9ab14079")

    assert rows == [["localhost/test", "<none>", "0c3f3e5a322e4", "90ca9ab140796", "11.2kB"]]


def test_untagged_image_keeps_history_name(invoke, tmp_path: Path) -> None:
    rows = rows_of(table(invoke, BASIC, tmp_path), "8d935a04bd2a")

    assert [row[:2] for row in rows] == [["localhost/untagged", "<none>"]]


def test_nameless_image_is_none_everywhere(invoke, tmp_path: Path) -> None:
    rows = rows_of(table(invoke, BASIC, tmp_path, "--digests"), "5d740cfb4385")

    assert [row[:3] for row in rows] == [["<none>", "<none>", "<none>"]]


def test_digest_only_image_has_no_tag(invoke, tmp_path: Path) -> None:
    rows = rows_of(table(invoke, BASIC, tmp_path, "--digests"), "ca7a135c69af")

    assert [row[:3] for row in rows] == [["quay.io/example/digestonly", "<none>", "439e7d919dfae"]]


def test_tag_and_digest_name_give_one_repo_digest(invoke, tmp_path: Path) -> None:
    image = json_images(invoke, BASIC, tmp_path)["f6598c133371"]

    assert image["repoTags"] == ["quay.io/example/pinned:1.2"]
    assert len(image["repoDigests"]) == 1
    assert image["repoDigests"][0].startswith("quay.io/example/pinned@sha256:48bce39c6dc9")


def test_size_counts_shared_layers_for_each_image(invoke, tmp_path: Path) -> None:
    records = {r["id"][:12]: r for r in json.loads((BASIC / "vfs-images/images.json").read_text())}
    layers = {layer["id"]: layer for layer in json.loads((BASIC / "vfs-layers/layers.json").read_text())}
    images = json_images(invoke, BASIC, tmp_path)

    for short_id in ("f55389ce73ab", "0176a56c4acf"):
        record = records[short_id]
        expected = sum(record["big-data-sizes"].values())
        layer_id = record["layer"]
        while layer_id:
            expected += layers[layer_id]["diff-size"]
            layer_id = layers[layer_id].get("parent", "")
        assert images[short_id]["size"] == str(expected)


@pytest.mark.parametrize(
    ("short_id", "uid", "username"),
    [
        pytest.param("95680c04f49b", "1000", "", id="numeric-user-and-group"),
        pytest.param("24616e0352f8", "1000", "", id="docker-config"),
        pytest.param("82e3d0c09220", None, "nginx", id="user-name"),
        pytest.param("bd1c66690171", "0", "", id="root-uid"),
        pytest.param("117094efee8d", None, "", id="no-user"),
    ],
)
def test_user_comes_from_config(invoke, tmp_path: Path, short_id: str, uid: str | None, username: str) -> None:
    image = json_images(invoke, BASIC, tmp_path)[short_id]

    assert image.get("uid") == ({"value": uid} if uid is not None else None)
    assert image["username"] == username


def test_previous_name_with_port_shows_host_only(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    edit_images_json(root, lambda images: next(i for i in images if i["id"].startswith("90ca9ab14079")).update({"names-history": ["localhost:5000/team/app:v1"]}))

    rows = rows_of(table(invoke, root, tmp_path), "90ca9ab14079")

    assert [row[:2] for row in rows] == [["localhost", "<none>"]]


def test_previous_name_with_digest_shows_error_name(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    history = ["quay.io/example/old@sha256:" + "e" * 64]
    edit_images_json(root, lambda images: next(i for i in images if i["id"].startswith("90ca9ab14079")).update({"names-history": history}))

    rows = rows_of(table(invoke, root, tmp_path, "--digests"), "90ca9ab14079")

    assert [row[:3] for row in rows] == [["errorName", "<none>", "errorRepoDige"]]


def test_unstored_list_instance_fails_whole_listing(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(MANIFEST_LIST, tmp_path), "list", "-q")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "image 29b494dd6224" in result.stderr
    assert "big-data item 'manifest-sha256:43ca2ff2" in result.stderr


def test_list_without_instance_for_platform_fails(invoke, store_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest, "wanted_platforms", lambda: (Platform("linux", "amd64"),))
    root = store_copy(MANIFEST_LIST)
    edit_images_json(root, lambda images: images.remove(next(i for i in images if i["id"].startswith("29b494dd6224"))))

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "criimages: image 024b286e2361fd8120f99d06fa24de82a2864632b7acb576378175a5193f1c57: no image found in manifest list "
        "for architecture amd64, variant '', OS linux (--skip-broken lists the other images"
    )


def test_pulled_index_lists_index_and_instance_digests(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(MANIFEST_LIST)
    podman_lists = ("29b494dd6224", "024b286e2361")
    edit_images_json(root, lambda images: images.__setitem__(slice(None), [i for i in images if i["id"][:12] not in podman_lists]))

    image = json_images(invoke, root, tmp_path)["25b57e2a6392"]

    assert [digest.split("@")[1][:19] for digest in image["repoDigests"]] == ["sha256:62917b36924f", "sha256:9b1c3bf623bc"]


def test_arm64_machine_prefers_v8_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    import platform

    manifest.wanted_platforms.cache_clear()
    monkeypatch.setattr(platform, "machine", lambda: "aarch64")
    try:
        assert manifest.wanted_platforms() == (Platform("linux", "arm64", "v8"), Platform("linux", "arm64", ""))
    finally:
        monkeypatch.undo()
        manifest.wanted_platforms.cache_clear()
