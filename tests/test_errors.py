"""Every kind of broken input: one line on stderr naming the file or value, exit 1, nothing on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BUILT_STORES, CONFORMANCE_STORE, MAIN_SET, edit_images_json, isolated_options

BASIC = BUILT_STORES / "basic"
APP_ID = "f55389ce73ab5c528de440b860ba7821a0e4ea179e2b6b7886e1be770969c84b"


def assert_fails(result, *fragments: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("criimages: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def images_json(root: Path) -> Path:
    return root / "vfs-images" / "images.json"


def layers_json(root: Path) -> Path:
    return root / "vfs-layers" / "layers.json"


def record(records: list, image_id: str) -> dict:
    return next(r for r in records if r["id"] == image_id)


# Root and driver.


def test_missing_root(invoke, tmp_path: Path) -> None:
    assert_fails(invoke(*isolated_options(tmp_path / "gone", tmp_path), "list"), f"storage root '{tmp_path / 'gone'}' does not exist")


def test_root_is_a_file(invoke, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")

    assert_fails(invoke(*isolated_options(tmp_path / "file", tmp_path), "list"), f"storage root '{tmp_path / 'file'}' is not a directory")


def test_no_images_folder_for_driver_names_present_ones(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path, driver="overlay"), "list")

    assert_fails(result, f"storage root '{BASIC}' holds no overlay-images folder (images exist for: vfs)")


# images.json.


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"  \n", "invalid JSON in", id="whitespace"),
        pytest.param(b'[{"id": "', "Unterminated string", id="truncated"),
        pytest.param(b'{"images": []}', "expected a JSON array, found an object", id="object"),
        pytest.param(b'"text"', "expected a JSON array, found a string", id="string"),
        pytest.param(b"[1]", "image #1: expected a JSON object, found a number", id="number-record"),
        pytest.param(b'[{"id": 5}]', "image #1: id must be a string, found a number", id="id-type"),
        pytest.param(b'[{"id": "' + b"a" * 64 + b'", "big-data-sizes": {"x": "5"}}]', "big-data-sizes['x'] is not a 64-bit integer", id="size-type"),
        pytest.param(b'[{"id": "' + b"a" * 64 + b'", "big-data-sizes": {"x": 1e3}}]', "big-data-sizes['x'] is not a 64-bit integer", id="size-float"),
        pytest.param(b'[{"id": "' + b"a" * 64 + b'", "big-data-sizes": {"x": 9223372036854775808}}]', "not a 64-bit integer", id="size-overflow"),
        pytest.param(b'[{"id": "\xff"}]', "not UTF-8", id="invalid-utf8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "invalid JSON in", id="deep-nesting"),
        pytest.param(b"[" + b"1" * 5000 + b"]", "image #1: expected a JSON object, found a number", id="huge-integer"),
        pytest.param(b'[{"id": "' + b"a" * 64 + b'", "big-data-sizes": {"x": ' + b"1" * 5000 + b"}}]", "not a 64-bit integer", id="huge-size"),
        pytest.param(b"\xef\xbb\xbf[]", "byte order mark", id="leading-bom"),
        pytest.param(b'[{"id": "ABC"}]', "image ID 'ABC' is not 64 lowercase hex digits", id="id-not-hex"),
        pytest.param(b'[{"id": "../../../etc/passwd"}]', "is not 64 lowercase hex digits", id="id-path"),
    ],
)
def test_broken_images_json(invoke, tmp_path: Path, content: bytes, message: str) -> None:
    root = tmp_path / "root"
    images_json(root).parent.mkdir(parents=True)
    images_json(root).write_bytes(content)

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"'{images_json(root)}'", message)


def test_images_json_is_a_folder(invoke, tmp_path: Path) -> None:
    root = tmp_path / "root"
    images_json(root).mkdir(parents=True)

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"images.json '{images_json(root)}' is a directory")


# layers.json and sizes.


def test_broken_layers_json(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    layers_json(root).write_text("[{")

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"invalid JSON in '{layers_json(root)}'")


def edit_layers(root: Path, edit) -> None:
    records = json.loads(layers_json(root).read_text())
    edit(records)
    layers_json(root).write_text(json.dumps(records))


def app_top_layer(root: Path) -> str:
    return record(json.loads(images_json(root).read_text()), APP_ID)["layer"]


def test_missing_top_layer(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    top = app_top_layer(root)
    edit_layers(root, lambda layers: layers.remove(next(layer for layer in layers if layer["id"] == top)))

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"image {APP_ID}: layer {top} is not known to the store")


def test_parent_chain_loop(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    top = app_top_layer(root)

    def loop(layers: list) -> None:
        top_layer = next(layer for layer in layers if layer["id"] == top)
        next(layer for layer in layers if layer["id"] == top_layer["parent"])["parent"] = top

    edit_layers(root, loop)

    # The base image, listed first, shares the looping layers and fails first.
    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), "the parent chain of layer", "loops at layer")


def test_negative_diff_size_without_toc_digest(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    top = app_top_layer(root)
    edit_layers(root, lambda layers: next(layer for layer in layers if layer["id"] == top).update({"diff-size": -1}))

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"size for layer '{top}' is unknown (diff-size -1)")


def test_negative_diff_size_with_toc_digest_counts_zero(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    top = app_top_layer(root)
    before = json.loads(invoke(*isolated_options(root, tmp_path), "inspect", "-q", APP_ID).stdout)["status"]["size"]
    top_size = next(layer for layer in json.loads(layers_json(root).read_text()) if layer["id"] == top)["diff-size"]
    edit_layers(root, lambda layers: next(layer for layer in layers if layer["id"] == top).update({"diff-size": -1, "toc-digest": "sha256:" + "0" * 64}))

    result = invoke(*isolated_options(root, tmp_path), "inspect", "-q", APP_ID)

    assert json.loads(result.stdout)["status"]["size"] == str(int(before) - top_size)


def test_diff_size_beyond_int64(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    edit_layers(root, lambda layers: layers[0].update({"diff-size": 2**63}))

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), "diff-size is not a 64-bit integer")


def test_total_size_beyond_int64(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    top = app_top_layer(root)
    edit_layers(root, lambda layers: next(layer for layer in layers if layer["id"] == top).update({"diff-size": 2**63 - 1}))

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), "does not fit in a 64-bit integer")


# Big data.


def app_dir(root: Path) -> Path:
    return root / "vfs-images" / APP_ID


def test_missing_big_data_without_recorded_size(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    key = next(k for k in record(json.loads(images_json(root).read_text()), APP_ID)["big-data-names"] if k.startswith("signature-"))
    edit_images_json(root, lambda records: record(records, APP_ID)["big-data-sizes"].pop(key))
    for path in app_dir(root).glob("=c2lnbmF0dXJl*"):
        path.unlink()

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"image {APP_ID}: size of big-data item {key!r} is unknown")


def test_missing_manifest(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    (app_dir(root) / "manifest").unlink()

    assert_fails(
        invoke(*isolated_options(root, tmp_path), "list", "-q"),
        f"image {APP_ID}: big-data item 'manifest' is missing",
        "(--skip-broken lists the other images",
    )


def test_config_that_is_not_json(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BASIC)
    config = app_dir(root) / ("=" + __import__("base64").standard_b64encode(f"sha256:{APP_ID}".encode()).decode())
    config.write_text("not json")

    # The file no longer matches its digest, which containers/image checks before parsing.
    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"image {APP_ID}: config sha256:{APP_ID} does not match its digest")


# Names.


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("localhost/App:1", "repository name must be lowercase"),
        ("localhost/app", "it has neither a tag nor a digest"),
        ("localhost/a pp:1", "invalid reference format"),
        ("localhost/app:t@g", "invalid reference format"),
    ],
)
def test_rejected_name(invoke, store_copy, tmp_path: Path, name: str, message: str) -> None:
    root = store_copy(BASIC)
    edit_images_json(root, lambda records: record(records, APP_ID).update(names=[name]))

    assert_fails(invoke(*isolated_options(root, tmp_path), "list"), f"invalid name {name!r} in image {APP_ID}", message)


# Configuration files.


def test_malformed_storage_conf(invoke, tmp_path: Path) -> None:
    options = isolated_options(BASIC, tmp_path)
    (tmp_path / "storage.conf").write_text("[storage\n")

    assert_fails(invoke(*options, "list"), f"invalid TOML in '{tmp_path / 'storage.conf'}'")


def with_crio(tmp_path: Path, main: str, drop_in: str | None = None) -> list[str]:
    options = isolated_options(BASIC, tmp_path)
    (tmp_path / "crio.conf").write_text(main)
    options[options.index("--crio-config") + 1] = str(tmp_path / "crio.conf")
    if drop_in is not None:
        (tmp_path / "crio.d").mkdir()
        (tmp_path / "crio.d" / "10-x.conf").write_text(drop_in)
        options[options.index("--crio-config-dir") + 1] = str(tmp_path / "crio.d")
    return options


def test_malformed_crio_conf(invoke, tmp_path: Path) -> None:
    assert_fails(invoke(*with_crio(tmp_path, "[crio\n"), "list"), f"invalid TOML in '{tmp_path / 'crio.conf'}'")


def test_malformed_drop_in(invoke, tmp_path: Path) -> None:
    result = invoke(*with_crio(tmp_path, "", '[crio.image]\npinned_images = "one"\n'), "list")

    assert_fails(result, f"invalid configuration in '{tmp_path / 'crio.d' / '10-x.conf'}': crio.image.pinned_images must be a list of strings")


def test_malformed_registries_conf(invoke, tmp_path: Path) -> None:
    options = isolated_options(CONFORMANCE_STORE, tmp_path, MAIN_SET)
    (tmp_path / "registries.conf").write_text("unqualified-search-registries = [\n")
    options[options.index("--registries-conf") + 1] = str(tmp_path / "registries.conf")

    assert_fails(invoke(*options, "list", "alpine"), f"invalid TOML in '{tmp_path / 'registries.conf'}'")


# Option values.


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["list", "--filter", "colour=blue"], "unknown filter flag: colour=blue"),
        (["list", "--filter", "reference=*/library/*"], "invalid regular expression '*/library/*'"),
        (["node-status", "--max-images", "x"], "'x' is not a valid integer"),
        (["inspect", "-o", "xml", "localhost/app:1.0"], "unsupported format: 'xml'"),
        (["list", "--bogus"], "No such option '--bogus'"),
    ],
)
def test_bad_option_value(invoke, tmp_path: Path, arguments: list[str], message: str) -> None:
    assert_fails(invoke(*isolated_options(BASIC, tmp_path), *arguments), message)


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "-inf", "1e400"])
def test_lock_timeout_must_be_finite_and_not_negative(invoke, value: str) -> None:
    assert_fails(invoke("--lock-timeout", value, "list"), f"Invalid value for '--lock-timeout': {value!r} is not a finite number of seconds")


def test_lock_timeout_must_be_a_number(invoke) -> None:
    assert_fails(invoke("--lock-timeout", "abc", "list"), "'abc' is not a number of seconds")


@pytest.mark.parametrize("option", ["--root", "--storage-conf", "--crio-config", "--crio-config-dir", "--registries-conf"])
def test_empty_path_rejected(invoke, option: str) -> None:
    assert_fails(invoke(option, "", "list"), f"Invalid value for '{option}': the path is empty.")


def test_empty_storage_driver_rejected(invoke) -> None:
    assert_fails(invoke("--storage-driver", "", "list"), "Invalid value for '--storage-driver': the name is empty.")


def test_max_images_below_minus_one_rejected(invoke, tmp_path: Path) -> None:
    assert_fails(invoke(*isolated_options(BASIC, tmp_path), "node-status", "--max-images", "-2"), "-2 is not in the range x>=-1")


def test_missing_option_value_points_to_help(invoke, tmp_path: Path) -> None:
    assert_fails(invoke(*isolated_options(BASIC, tmp_path), "list", "-o"), "Option '-o' requires an argument.", "--help'.")


# --skip-broken.


def broken_store(store_copy) -> Path:
    root = store_copy(BASIC)
    edit_images_json(root, lambda records: record(records, APP_ID).update(names=["localhost/App:1"]))
    return root


def test_skip_broken_lists_the_rest_and_exits_3(invoke, store_copy, tmp_path: Path) -> None:
    root = broken_store(store_copy)

    result = invoke(*isolated_options(root, tmp_path), "list", "-q", "--skip-broken")

    assert result.exit_code == 3
    assert len(result.stdout.split()) == 15
    assert APP_ID not in result.stdout
    assert result.stderr.startswith(f"criimages: skipped image {APP_ID}: invalid name 'localhost/App:1': ")
    assert result.stderr.count(APP_ID) == 1
    assert result.stderr.count("\n") == 1


def test_skip_broken_on_clean_store_exits_0(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "list", "-q", "--skip-broken")

    assert result.exit_code == 0
    assert result.stderr == ""


@pytest.mark.parametrize("command", [["node-status"], ["inspect"]])
def test_skip_broken_in_other_commands(invoke, store_copy, tmp_path: Path, command: list[str]) -> None:
    root = broken_store(store_copy)

    result = invoke(*isolated_options(root, tmp_path), *command, "--skip-broken")

    assert result.exit_code == 3
    assert APP_ID not in result.stdout
    assert f"skipped image {APP_ID}" in result.stderr


def test_without_skip_broken_one_image_fails_all(invoke, store_copy, tmp_path: Path) -> None:
    root = broken_store(store_copy)

    assert_fails(invoke(*isolated_options(root, tmp_path), "node-status"), f"invalid name 'localhost/App:1' in image {APP_ID}")


def test_manifest_list_without_this_machines_instance(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BUILT_STORES / "manifest-list", tmp_path), "list")

    assert_fails(result, "manifest list entry sha256:43ca2ff2", "for this machine is not stored", "(--skip-broken lists the other images")
