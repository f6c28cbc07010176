"""The `check` command: one finding per kind of damage, exit status, output formats, and no writes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from criimages.config import StoreConfig
from criimages.health import Finding, FindingKind, check_store
from tests.test_digests import PAYLOAD, sign
from tests.conftest import BUILT_STORES, CONFORMANCE_STORE, edit_images_json, isolated_options
from tests.test_store import hold_lock

# docker.io/library/busybox:latest in the conformance store: record #8, one layer without parent.
BUSYBOX = "d155b670167e8310eb2830a7a1a57a65979a416b8c9c0550fe514266ae59622f"
BUSYBOX_LAYER = "caea991335893303e1d46dc30b178d391550b989c65aec08f19288bcbdfbe051"
BUSYBOX_RECORD = 7
# docker.io/library/alpine:3.19, record #1 of the conformance store.
ALPINE = "afba01043a095c84175c365be11991f533f7bfee35b6ae9ba8c67b2e1bab80d9"

# In the basic store: the read-write layer of buildah's working container leftover-working-container,
# made from localhost/app:1.0. make-stores.sh copies only vfs-images and vfs-layers, so the
# committed store has no containers.json and nothing records that container.
WORKING_CONTAINER_LAYER = "08ecf2947671f069abd16f6e13016d8e9b15de1590397e4fa1d1a3ebbfa45fae"
APP_IMAGE = "f55389ce73ab5c528de440b860ba7821a0e4ea179e2b6b7886e1be770969c84b"

MISSING_LAYER_ID = "e" * 64
EXTRA_LAYER = "b" * 64
EXTRA_PARENT = "c" * 64


def check(invoke, root: Path, tmp_path: Path, *options: str):
    return invoke(*isolated_options(root, tmp_path), *options, "check")


def edit_layers_json(root: Path, edit: Callable[[list], object]) -> None:
    path = root / "vfs-layers" / "layers.json"
    records = json.loads(path.read_text())
    edit(records)
    path.write_text(json.dumps(records))


def layer_record(layer_id: str, parent: str = "") -> dict:
    return {"id": layer_id, "parent": parent, "diff-digest": "sha256:" + "0" * 64, "diff-size": 0}


def find_layer(records: list, layer_id: str) -> dict:
    return next(record for record in records if record["id"] == layer_id)


def write_containers(root: Path, records: list, file_name: str = "containers.json") -> None:
    folder = root / "vfs-containers"
    folder.mkdir(exist_ok=True)
    (folder / file_name).write_text(json.dumps(records))


def big_data_path(root: Path, image_id: str, key: str) -> Path:
    name = key if key.isalnum() and key.islower() else "=" + base64.standard_b64encode(key.encode()).decode()
    return root / "vfs-images" / image_id / name


def assert_one_finding(result, kind: str, object_id: str, detail: str) -> None:
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    assert result.stdout == f"{kind}\t{object_id}\t{detail}\n"


# Clean stores


def test_conformance_store_is_clean(invoke, tmp_path: Path) -> None:
    result = check(invoke, CONFORMANCE_STORE, tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


def test_manifest_list_store_reports_unlistable_images(invoke, tmp_path: Path) -> None:
    result = check(invoke, BUILT_STORES / "manifest-list", tmp_path)

    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [kind for kind, _, _ in lines] == ["unlistable-image", "unlistable-image"]
    assert "big-data item 'manifest-sha256:" in lines[0][2]
    assert "no image found in manifest list for architecture" in lines[1][2]


@pytest.mark.parametrize("root", [CONFORMANCE_STORE, BUILT_STORES / "basic", BUILT_STORES / "manifest-list"], ids=lambda root: root.name)
def test_check_reports_every_image_list_skips(invoke, tmp_path: Path, root: Path) -> None:
    listing = invoke(*isolated_options(root, tmp_path), "list", "--skip-broken")
    skipped = {line.split()[3].rstrip(":") for line in listing.stderr.splitlines()}

    reported = {line.split("\t")[1] for line in check(invoke, root, tmp_path).stdout.splitlines()}

    assert skipped <= reported


def test_basic_store_reports_working_container_layer(invoke, tmp_path: Path) -> None:
    result = check(invoke, BUILT_STORES / "basic", tmp_path)

    layers_json = BUILT_STORES / "basic" / "vfs-layers" / "layers.json"
    detail = f"no image and no container uses this layer (listed in '{layers_json}')"
    assert_one_finding(result, "unused-layer", WORKING_CONTAINER_LAYER, detail)


@pytest.mark.parametrize("file_name", ["containers.json", "volatile-containers.json"])
def test_container_record_makes_basic_store_clean(invoke, store_copy, tmp_path: Path, file_name: str) -> None:
    root = store_copy(BUILT_STORES / "basic")
    container = {"id": "1" * 64, "names": ["leftover-working-container"], "image": APP_IMAGE, "layer": WORKING_CONTAINER_LAYER}
    write_containers(root, [container], file_name)

    result = check(invoke, root, tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def test_container_uses_whole_parent_chain(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_layers_json(root, lambda layers: layers.extend([layer_record(EXTRA_LAYER, EXTRA_PARENT), layer_record(EXTRA_PARENT)]))
    write_containers(root, [{"id": "1" * 64, "image": "", "layer": EXTRA_LAYER}])

    result = check(invoke, root, tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def test_mapped_layer_counts_as_used(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_layers_json(root, lambda layers: layers.append(layer_record(EXTRA_LAYER, BUSYBOX_LAYER)))
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD].update({"mapped-layers": [EXTRA_LAYER]}))

    result = check(invoke, root, tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


# Layers


def test_missing_top_layer(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_layers_json(root, lambda layers: layers.remove(find_layer(layers, BUSYBOX_LAYER)))

    result = check(invoke, root, tmp_path)

    assert_one_finding(result, "missing-layer", BUSYBOX, f"top layer {BUSYBOX_LAYER} is missing from the layer stores")


def test_missing_parent_layer(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_layers_json(root, lambda layers: find_layer(layers, BUSYBOX_LAYER).update(parent=MISSING_LAYER_ID))

    result = check(invoke, root, tmp_path)

    detail = f"layer {MISSING_LAYER_ID}, the parent of layer {BUSYBOX_LAYER}, is missing from the layer stores"
    assert_one_finding(result, "missing-layer", BUSYBOX, detail)


def test_parent_chain_loop(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_layers_json(root, lambda layers: find_layer(layers, BUSYBOX_LAYER).update(parent=BUSYBOX_LAYER))

    result = check(invoke, root, tmp_path)

    detail = f"the parent chain of top layer {BUSYBOX_LAYER} loops back to layer {BUSYBOX_LAYER}"
    assert_one_finding(result, "layer-cycle", BUSYBOX, detail)


def test_unused_layer_chain(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_layers_json(root, lambda layers: layers.extend([layer_record(EXTRA_LAYER, EXTRA_PARENT), layer_record(EXTRA_PARENT)]))

    result = check(invoke, root, tmp_path)

    detail = f"no image and no container uses this layer (listed in '{root / 'vfs-layers' / 'layers.json'}')"
    assert result.exit_code == 1
    assert result.stdout == f"unused-layer\t{EXTRA_LAYER}\t{detail}\nunused-layer\t{EXTRA_PARENT}\t{detail}\n"


def test_volatile_layer_unused(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    volatile = root / "vfs-layers" / "volatile-layers.json"
    volatile.write_text(json.dumps([layer_record(EXTRA_LAYER)]))

    result = check(invoke, root, tmp_path)

    assert_one_finding(result, "unused-layer", EXTRA_LAYER, f"no image and no container uses this layer (listed in '{volatile}')")


def test_additional_store_layers_not_reported(invoke, store_copy, tmp_path: Path) -> None:
    additional = store_copy(CONFORMANCE_STORE)
    edit_layers_json(additional, lambda layers: layers.append(layer_record(EXTRA_LAYER)))
    root = tmp_path / "root"
    (root / "vfs-images").mkdir(parents=True)
    (tmp_path / "storage.conf").write_text(f'[storage]\ngraphroot = "{root}"\n[storage.options]\nadditionalimagestores = ["{additional}"]\n')

    result = check(invoke, root, tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


# Big data


def test_missing_big_data_file(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    manifest = big_data_path(root, BUSYBOX, "manifest")
    manifest.unlink()

    result = check(invoke, root, tmp_path)

    assert_one_finding(result, "missing-big-data", BUSYBOX, f"big-data item 'manifest' is missing: '{manifest}' not found")


def test_big_data_size_differs_from_record(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD]["big-data-sizes"].update(manifest=428))

    result = check(invoke, root, tmp_path)

    assert_one_finding(result, "big-data-size-mismatch", BUSYBOX, "big-data item 'manifest' is 427 bytes, but big-data-sizes records 428")


def test_big_data_digest_differs_from_record(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    manifest = big_data_path(root, BUSYBOX, "manifest")
    changed = manifest.read_bytes().replace(b"application/vnd.docker.container", b"application/vnd.docker.kontainer", 1)
    manifest.write_bytes(changed)

    result = check(invoke, root, tmp_path)

    actual = "sha256:" + hashlib.sha256(changed).hexdigest()
    recorded = "sha256:353888d87f02eaf8f06276764376aaffb672e2f71760eb41bad4c701f6a80c05"
    assert_one_finding(result, "big-data-digest-mismatch", BUSYBOX, f"big-data item 'manifest' hashes to {actual}, but big-data-digests records {recorded}")


def test_sha512_digest_checked_with_sha512(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    key = f"sha256:{BUSYBOX}"
    config = big_data_path(root, BUSYBOX, key).read_bytes()
    right = "sha512:" + hashlib.sha512(config).hexdigest()
    wrong = "sha512:" + hashlib.sha512(config + b" ").hexdigest()

    edit_images_json(root, lambda images: images[BUSYBOX_RECORD]["big-data-digests"].update({key: right}))
    clean = check(invoke, root, tmp_path)
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD]["big-data-digests"].update({key: wrong}))
    broken = check(invoke, root, tmp_path)

    assert clean.exit_code == 0, clean.stdout
    assert_one_finding(broken, "big-data-digest-mismatch", BUSYBOX, f"big-data item '{key}' hashes to {right}, but big-data-digests records {wrong}")


def test_signed_schema1_manifest_checked_against_payload(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    # A history entry to take the config from, which a listable schema 1 image needs.
    manifest = json.loads(PAYLOAD)
    manifest["history"] = [{"v1Compatibility": json.dumps({"config": {"User": "1"}})}]
    payload = json.dumps(manifest, indent=3).encode()
    signed = sign(payload)
    big_data_path(root, BUSYBOX, "manifest").write_bytes(signed)
    payload_digest = "sha256:" + hashlib.sha256(payload).hexdigest()

    def record_signed_manifest(images: list) -> None:
        images[BUSYBOX_RECORD]["big-data-sizes"]["manifest"] = len(signed)
        images[BUSYBOX_RECORD]["big-data-digests"]["manifest"] = payload_digest

    edit_images_json(root, record_signed_manifest)
    result = check(invoke, root, tmp_path)

    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_invalid_recorded_digest(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    key = f"sha256:{BUSYBOX}"
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD]["big-data-digests"].update({key: "md5:abc"}))

    result = check(invoke, root, tmp_path)

    detail = f"big-data-digests records 'md5:abc' for big-data item '{key}', which is not a valid digest (unsupported digest algorithm)"
    assert_one_finding(result, "big-data-digest-mismatch", BUSYBOX, detail)


def test_big_data_directory_unreadable(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    manifest = big_data_path(root, BUSYBOX, "manifest")
    manifest.unlink()
    manifest.mkdir()

    result = check(invoke, root, tmp_path)

    assert_one_finding(result, "unreadable-big-data", BUSYBOX, f"big-data item 'manifest' cannot be read from '{manifest}': Is a directory")


# Names and records


def test_name_claimed_by_two_images(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[0]["names"].append("docker.io/library/busybox:latest"))

    result = check(invoke, root, tmp_path)

    detail = (
        f"name 'docker.io/library/busybox:latest' is also claimed by the later image {BUSYBOX}, "
        "so containers/storage removes the name from this image when it next loads the store"
    )
    assert_one_finding(result, "duplicate-name", ALPINE, detail)


def test_duplicate_name_in_read_only_store(invoke, store_copy, tmp_path: Path) -> None:
    additional = store_copy(CONFORMANCE_STORE)
    edit_images_json(additional, lambda images: images[0]["names"].append("docker.io/library/busybox:latest"))
    root = tmp_path / "root"
    (root / "vfs-images").mkdir(parents=True)
    (tmp_path / "storage.conf").write_text(f'[storage]\ngraphroot = "{root}"\n[storage.options]\nadditionalimagestores = ["{additional}"]\n')

    result = check(invoke, root, tmp_path)

    detail = (
        f"name 'docker.io/library/busybox:latest' is also claimed by the later image {BUSYBOX}, "
        "so containers/storage fails to load this read-only image store"
    )
    assert_one_finding(result, "duplicate-name", ALPINE, detail)


def test_duplicate_name_leaves_listing_unchanged(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[0]["names"].append("docker.io/library/busybox:latest"))
    before = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path), "list")

    check(invoke, root, tmp_path)
    after = invoke(*isolated_options(root, tmp_path), "list")

    assert after.exit_code == 0, after.stderr
    assert after.stdout == before.stdout


@pytest.mark.parametrize("bad_id", [BUSYBOX.upper(), "../../../etc", BUSYBOX[:63]], ids=["uppercase", "path", "short"])
def test_malformed_image_id(invoke, store_copy, tmp_path: Path, bad_id: str) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD].update(id=bad_id))

    result = check(invoke, root, tmp_path)

    images_json = root / "vfs-images" / "images.json"
    detail = f"record #8 of '{images_json}' has image ID '{bad_id}', which is not 64 lowercase hex digits"
    assert_one_finding(result, "invalid-image-id", bad_id, detail)


def test_image_id_that_is_not_string(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD].update(id=5))

    result = check(invoke, root, tmp_path)

    detail = f"record #8 of '{root / 'vfs-images' / 'images.json'}' has image ID a number, which is not 64 lowercase hex digits"
    assert_one_finding(result, "invalid-image-id", "-", detail)


def test_missing_image_id(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD].pop("id"))

    result = check(invoke, root, tmp_path)

    assert_one_finding(result, "invalid-image-id", "-", f"record #8 of '{root / 'vfs-images' / 'images.json'}' has no image ID")


def test_record_that_is_not_object(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images.append(42))

    result = check(invoke, root, tmp_path)

    detail = f"record #14 of '{root / 'vfs-images' / 'images.json'}' is a number, not a JSON object"
    assert_one_finding(result, "invalid-image-record", "-", detail)


def test_record_with_invalid_digest(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[BUSYBOX_RECORD].update(digest="sha256:xyz"))

    result = check(invoke, root, tmp_path)

    images_json = root / "vfs-images" / "images.json"
    detail = f"invalid '{images_json}' image {BUSYBOX}: digest 'sha256:xyz': invalid checksum digest length"
    assert_one_finding(result, "invalid-image-record", BUSYBOX, detail)


# Output


def test_store_text_escaped_in_lines(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    name = "docker.io/library/busybox:latest\x1b]0;owned\x07\tx\ny"
    edit_images_json(root, lambda images: [images[0]["names"].append(name), images[BUSYBOX_RECORD]["names"].append(name)])

    result = check(invoke, root, tmp_path)

    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    # One duplicate-name finding, and an invalid-name finding for each image that carries the name.
    assert [line.split("\t")[0] for line in lines] == ["duplicate-name", "invalid-name", "invalid-name"]
    assert all(line.count("\t") == 2 for line in lines)
    assert "\x1b" not in result.stdout
    assert "busybox:latest\\u001b]0;owned\\u0007\\u0009x\\u000ay" in result.stdout


def run_on_terminal(root: Path, tmp_path: Path, columns: int = 300) -> tuple[int, str]:
    """Run `criimages check` with stdout on a pseudo-terminal, and return the exit status and the output."""
    main, terminal = pty.openpty()
    environment = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm"}
    environment.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from criimages.cli import run; run()", *isolated_options(root, tmp_path), "check"],
        stdout=terminal,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=environment,
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    process.wait(timeout=60)
    return process.returncode, output.decode()


def test_terminal_table_escapes_store_text(store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    name = "docker.io/library/busybox:latest\x1b]0;owned\x07[bold red]x[/bold red]"
    edit_images_json(root, lambda images: [images[0]["names"].append(name), images[BUSYBOX_RECORD]["names"].append(name)])

    status, output = run_on_terminal(root, tmp_path)

    assert status == 1
    assert "Kind" in output
    assert "duplicate-name" in output
    assert ALPINE in output
    assert "\x1b]0;owned" not in output
    assert "\x07" not in output
    assert "\\u001b]0;owned\\u0007[bold red]x[/bold red]" in output
    assert "3 problems found: 1 duplicate-name, 2 invalid-name." in output


def test_narrow_terminal_folds_instead_of_cutting(store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    big_data_path(root, BUSYBOX, "manifest").unlink()

    status, output = run_on_terminal(root, tmp_path, columns=60)

    assert status == 1
    assert "…" not in output
    assert "1 problem found: 1 missing-big-data." in output


def test_terminal_prints_summary_when_clean(tmp_path: Path) -> None:
    status, output = run_on_terminal(CONFORMANCE_STORE, tmp_path)

    assert status == 0
    assert output.strip() == "No problems found."


# Failures and guarantees


def test_missing_root_fails(invoke, tmp_path: Path) -> None:
    result = check(invoke, tmp_path / "nowhere", tmp_path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("criimages: storage root ")
    assert result.stderr.count("\n") == 1


def test_invalid_images_json_fails(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    (root / "vfs-images" / "images.json").write_text("[{")

    result = check(invoke, root, tmp_path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"criimages: invalid JSON in '{root / 'vfs-images' / 'images.json'}'")


def test_invalid_containers_json_fails(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    (root / "vfs-containers").mkdir()
    (root / "vfs-containers" / "containers.json").write_text("{}")

    result = check(invoke, root, tmp_path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"criimages: invalid containers.json file '{root / 'vfs-containers' / 'containers.json'}': expected a JSON array, found an object\n"


def test_containers_lock_held_by_writer_times_out(invoke, store_copy, tmp_path: Path) -> None:
    root = store_copy(BUILT_STORES / "basic")
    write_containers(root, [])
    lock = root / "vfs-containers" / "containers.lock"
    lock.write_text("")
    writer = hold_lock(lock)
    try:
        result = check(invoke, root, tmp_path, "--lock-timeout", "0.2")
    finally:
        writer.kill()
        writer.wait()

    assert result.exit_code == 1
    assert "waiting for the read lock on" in result.stderr
    assert "containers.lock" in result.stderr


def snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Return the mode, mtime and bytes of every file and folder under root, by relative path."""
    state = {}
    for path in [root, *root.rglob("*")]:
        status = path.lstat()
        content = path.read_bytes() if path.is_file() else b""
        state[str(path.relative_to(root))] = (status.st_mode, status.st_mtime_ns, content)
    return state


@pytest.mark.parametrize("source", [CONFORMANCE_STORE, BUILT_STORES / "basic"], ids=["without-lock-files", "with-lock-files"])
def test_check_changes_nothing(invoke, store_copy, tmp_path: Path, source: Path) -> None:
    # A store broken in five ways. The conformance store has no lock files, which a reader must not
    # create. The basic store has them, and a reader must not change them.
    root = store_copy(source)

    def break_images(images: list) -> None:
        images[-1].setdefault("names", []).append(images[0]["names"][0])
        images[1]["id"] = "X"
        images[2]["big-data-sizes"]["manifest"] += 1

    images = json.loads((root / "vfs-images" / "images.json").read_text())
    big_data_path(root, images[3]["id"], "manifest").unlink()
    edit_images_json(root, break_images)
    edit_layers_json(root, lambda layers: layers.append(layer_record(EXTRA_LAYER, MISSING_LAYER_ID)))
    write_containers(root, [])
    (root / "vfs-containers" / "containers.lock").write_bytes(b"")
    before = snapshot(root)

    result = check(invoke, root, tmp_path)

    kinds = {line.split("\t")[0] for line in result.stdout.splitlines()}
    assert result.exit_code == 1
    assert kinds == {"duplicate-name", "invalid-image-id", "big-data-size-mismatch", "missing-big-data", "unused-layer"}
    assert snapshot(root) == before


# The library


def test_findings_are_frozen_with_paths(store_copy) -> None:
    root = store_copy(CONFORMANCE_STORE)
    big_data_path(root, BUSYBOX, "manifest").unlink()

    findings = check_store(StoreConfig(graph_root=root, run_root=root / "run", driver="vfs"))

    assert findings == [
        Finding(FindingKind.MISSING_BIG_DATA, BUSYBOX, big_data_path(root, BUSYBOX, "manifest"), findings[0].detail),
    ]
    with pytest.raises(AttributeError):
        findings[0].detail = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("localhost/App:1", "name 'localhost/App:1' is invalid: invalid reference format: repository name must be lowercase"),
        ("localhost/app", "name 'localhost/app' has neither a tag nor a digest"),
    ],
)
def test_name_that_fails_listing(invoke, store_copy, tmp_path: Path, name: str, detail: str) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[0].update(names=[name]))

    assert_one_finding(check(invoke, root, tmp_path), "invalid-name", ALPINE, detail)
