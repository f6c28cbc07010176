"""Whole-output tests of the command line against the outputs the real crictl printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BUILT_STORES, CONFORMANCE, CONFORMANCE_STORE, MAIN_SET, edit_images_json, isolated_options

# Every case that the real crictl printed against the real CRI-O, in every set.
CASES = sorted(CONFORMANCE.glob("*/cases/*.json"))


@pytest.mark.parametrize("case_file", CASES, ids=[f"{path.parent.parent.name}/{path.stem}" for path in CASES])
def test_output_matches_captured_crictl(invoke, tmp_path: Path, case_file: Path) -> None:
    set_dir = case_file.parent.parent
    spec = json.loads(case_file.read_text())
    expected = case_file.with_suffix(".out").read_bytes()

    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, set_dir), spec["command"], *spec["args"])

    assert result.exit_code == spec["exit_code"], result.stderr
    assert result.stdout_bytes == expected
    if spec["exit_code"] != 0:
        assert result.stderr.startswith("criimages: ")


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
    assert "See 'criimages list --help'." in result.stderr


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


def test_more_than_one_image_prints_help(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "list", "a", "b")

    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: criimages list")


def test_bundled_short_options(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "list", "-qv")

    assert result.stdout == (MAIN_SET / "cases" / "images_q.out").read_text()


def test_verbose_prints_uid_and_username(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BUILT_STORES / "basic", tmp_path), "list", "-v")

    blocks = {block.splitlines()[0][4:16]: block for block in result.stdout.split("\n\n") if block}
    assert "Uid: value:1000\n" in blocks["95680c04f49b"] + "\n"
    assert "Uid: \n" in blocks["bd1c66690171"] + "\n"
    assert "Username: nginx" in blocks["82e3d0c09220"]
    assert result.stdout.endswith("\n\n")


def test_pinned_drop_in_list_replaces_main_list(invoke, tmp_path: Path) -> None:
    crio_dir = tmp_path / "crio.conf.d"
    crio_dir.mkdir()
    (tmp_path / "crio.conf").write_text('[crio.image]\npause_image = "quay.io/none:1"\npinned_images = ["localhost/app:1.0"]\n')
    (crio_dir / "50-pins.conf").write_text('[crio.image]\npinned_images = ["*base*"]\n')
    options = isolated_options(BUILT_STORES / "basic", tmp_path)
    options[options.index("--crio-config") + 1] = str(tmp_path / "crio.conf")
    options[options.index("--crio-config-dir") + 1] = str(crio_dir)

    result = invoke(*options, "list", "--pinned")

    pinned = {row.split()[0] for row in result.stdout.splitlines()[1:] if row.split()[-1] == "true"}
    assert pinned == {"localhost/base"}


def test_default_pause_image_is_pinned(invoke, tmp_path: Path, store_copy) -> None:
    root = store_copy(BUILT_STORES / "basic")
    edit_images_json(root, lambda images: images[0].update(names=["registry.k8s.io/pause:3.10.1"]))

    result = invoke(*isolated_options(root, tmp_path), "list", "--pinned")

    rows = [row.split() for row in result.stdout.splitlines() if row.startswith("registry.k8s.io/pause")]
    assert [(row[1], row[-1]) for row in rows] == [("3.10.1", "true")]


def test_additional_image_store_follows_primary(invoke, tmp_path: Path) -> None:
    (tmp_path / "storage.conf").write_text(
        f'[storage]\ngraphroot = "{CONFORMANCE_STORE}"\n[storage.options]\nadditionalimagestores = ["{BUILT_STORES / "basic"}"]\n'
    )

    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "list", "-q", "--no-trunc")

    ids = result.stdout.split()
    assert result.exit_code == 0, result.stderr
    assert len(ids) == 13 + 16
    assert "95680c04f49b084be833b2dcd3f9621803a9f61b7b9b2baa1eaae2f2042ad536" in ids


def test_global_option_after_command_is_explained(invoke) -> None:
    result = invoke("list", "--root", "/x")

    assert_fails(result, "--root is a global option, so it goes before the command name")


def test_no_arguments_prints_help(invoke) -> None:
    result = invoke()

    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: criimages")


def test_inspecti_is_an_alias(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET), "inspecti", "-q", "afba01043a095")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"]["id"].startswith("afba01043a095")


def test_broken_image_error_suggests_skip_broken(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[0].update(names=["Bad:1"]))

    result = invoke(*isolated_options(root, tmp_path), "list")

    assert_fails(result, "--skip-broken lists the other images")
