"""Whole-output tests of the command line against the outputs the real crictl printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CONFORMANCE_STORE, MAIN_SET, edit_images_json, isolated_options

# The conformance cases of `crictl images` that the list command reproduces.
LIST_CASES = ["images", "images_digests", "images_digests_notrunc", "images_notrunc", "images_q", "images_q_notrunc", "images_table", "images_json"]


@pytest.mark.parametrize("case", LIST_CASES)
def test_output_matches_captured_crictl(invoke, tmp_path: Path, case: str) -> None:
    spec = json.loads((MAIN_SET / "cases" / f"{case}.json").read_text())
    expected = (MAIN_SET / "cases" / f"{case}.out").read_text()

    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), spec["command"], *spec["args"])

    assert result.exit_code == spec["exit_code"]
    assert result.stdout == expected


@pytest.mark.parametrize("alias", ["images", "image", "img"])
def test_crictl_aliases_run_list(invoke, tmp_path: Path, alias: str) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), alias, "-q")

    assert result.exit_code == 0
    assert result.stdout == (MAIN_SET / "cases" / "images_q.out").read_text()


@pytest.mark.parametrize("output", ["table", "go-template", "tabel"])
def test_unknown_output_format_prints_table(invoke, tmp_path: Path, output: str) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "list", "-o", output)

    assert result.exit_code == 0
    assert result.stdout == (MAIN_SET / "cases" / "images.out").read_text()


HEADER = "IMAGE               TAG                 IMAGE ID            SIZE\n"


@pytest.mark.parametrize("content", [None, b"", b"[]", b"null", b"[]\n"], ids=["missing", "zero-bytes", "empty-array", "null", "array-newline"])
def test_empty_store_prints_header_only(invoke, tmp_path: Path, content: bytes | None) -> None:
    root = tmp_path / "root"
    (root / "vfs-images").mkdir(parents=True)
    if content is not None:
        (root / "vfs-images" / "images.json").write_bytes(content)

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert result.exit_code == 0
    assert result.stdout == HEADER


def test_empty_store_json_has_empty_list(invoke, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "vfs-images").mkdir(parents=True)

    result = invoke(*isolated_options(root, tmp_path), "list", "-o", "json")

    assert result.stdout == '{\n  "images": []\n}\n'


def assert_fails(result, message: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("criimages: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_uppercase_name_fails_whole_listing(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[1].update(names=["quay.io/Example/hello-world:latest"]))

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert_fails(result, "invalid name 'quay.io/Example/hello-world:latest' in image 84278c3c1fc2")
    assert "must be lowercase" in result.stderr


def test_name_without_tag_or_digest_fails(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[0]["names"].append("localhost/test"))

    result = invoke(*isolated_options(root, tmp_path), "list", "-q")

    assert_fails(result, "invalid name 'localhost/test' in image afba01043a09")
    assert "neither a tag nor a digest" in result.stderr


def test_missing_layer_fails(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[2].update(layer="0" * 64))

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert_fails(result, f"image a6655036867e")
    assert f"layer {'0' * 64} is not known to the store" in result.stderr


def test_whitespace_images_json_fails(invoke, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "vfs-images").mkdir(parents=True)
    (root / "vfs-images" / "images.json").write_text("  \n\t\n")

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert_fails(result, f"invalid JSON in '{root / 'vfs-images' / 'images.json'}'")


def test_object_images_json_fails(invoke, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "vfs-images").mkdir(parents=True)
    (root / "vfs-images" / "images.json").write_text("{}")

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert_fails(result, "expected a JSON array, found an object")


def test_missing_config_fails_quiet_listing(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    image_dir = root / "vfs-images" / "afba01043a095c84175c365be11991f533f7bfee35b6ae9ba8c67b2e1bab80d9"
    for config in image_dir.glob("=c2hh*"):
        config.unlink()

    result = invoke(*isolated_options(root, tmp_path), "list", "-q")

    assert_fails(result, "image afba01043a09")
    assert "is missing" in result.stderr


def test_usage_error_exits_1(invoke, tmp_path: Path) -> None:
    result = invoke("list", "--bogus")

    assert_fails(result, "No such option")
    assert "see 'criimages list --help'" in result.stderr


def test_unknown_command_exits_1(invoke) -> None:
    result = invoke("pull", "alpine")

    assert_fails(result, "No such command 'pull'")


def test_help_lists_global_options(invoke) -> None:
    result = invoke("--help")

    assert result.exit_code == 0
    for option in ("--storage-conf", "--root", "--storage-driver", "--crio-config", "--crio-config-dir", "--registries-conf"):
        assert option in result.stdout


def test_missing_root_names_it(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(tmp_path / "nowhere", tmp_path), "list")

    assert_fails(result, f"storage root '{tmp_path / 'nowhere'}' does not exist")


def test_driver_is_detected_from_only_images_folder(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET, driver=None), "list", "-q")

    assert result.exit_code == 0
    assert result.stdout == (MAIN_SET / "cases" / "images_q.out").read_text()


def test_several_drivers_without_choice_fail(invoke, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "overlay-images").mkdir(parents=True)
    (root / "vfs-images").mkdir()

    result = invoke(*isolated_options(root, tmp_path, driver=None), "list")

    assert_fails(result, "images of several drivers (overlay, vfs); pass --storage-driver")


def test_wrong_driver_names_the_present_ones(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, driver="overlay"), "list")

    assert_fails(result, "holds no overlay-images folder (images exist for: vfs)")
