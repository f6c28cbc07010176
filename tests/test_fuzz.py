"""Arbitrary images.json and layers.json: the library returns its result or raises CriimagesError.

Any other exception would reach the command line's last-resort handler and print "internal error".
Rendered output must also encode as UTF-8, because stdout rejects what does not. Every example is
written into one copy of the conformance store, so that records naming its image and layer IDs find
real manifests and configs and get past the big-data reads.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criimages.cli.check import format_line
from criimages.config import Settings, StoreConfig
from criimages.convert import CriImage
from criimages.errors import CriimagesError
from criimages.health import check_store
from criimages.listing import ImageStatus, inspect_images, list_images, node_images
from criimages.output import node_status_json, render_images
from criimages.status import render_statuses
from tests.conftest import CONFORMANCE_STORE

EXAMPLES = settings(max_examples=250, deadline=None)

REAL_IMAGES: list[dict[str, Any]] = json.loads((CONFORMANCE_STORE / "vfs-images" / "images.json").read_text())
REAL_LAYERS: list[dict[str, Any]] = json.loads((CONFORMANCE_STORE / "vfs-layers" / "layers.json").read_text())

# Values that look like what containers/storage writes, mixed with edge cases of each kind.
IMAGE_IDS = sorted({record["id"] for record in REAL_IMAGES} | {"0" * 64, "A" * 64, "../" + "a" * 61})
LAYER_IDS = sorted({record["id"] for record in REAL_LAYERS} | {"", "f" * 64, "1616fe86"})
DIGESTS = sorted(
    {record.get("digest", "") for record in REAL_IMAGES}
    | {"", "sha256:" + "0" * 64, "sha512:" + "0" * 128, "sha256:" + "0" * 63, "sha256:XYZ", "md5:abc", "sha256"}
)
NAMES = sorted(
    {name for record in REAL_IMAGES for name in record.get("names", []) + record.get("names-history", [])}
    | {
        "alpine",
        "alpine:3.19",
        "UPPER/case:1",
        "localhost:5000/app:v1",
        "docker.io/library/app@sha256:" + "0" * 64,
        "docker.io/library/app:1@sha256:" + "0" * 64,
        "docker.io/library/app@sha256:short",
        "",
        ":",
        "@",
        "a" * 300 + ":1",
    }
)
BIG_DATA_KEYS = sorted(
    {key for record in REAL_IMAGES for key in record.get("big-data-names", [])} | {"manifest", "Manifest", "manifest-", "../x"}
)
FILTERS = [
    "dangling=true",
    "dangling=false",
    "reference=alpine",
    "reference=(",
    "before=docker.io/library/busybox:latest",
    "since=afba01043a095",
    "since=",
    "unknown=1",
]

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters(exclude_categories=()), max_size=12)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
TEXT = st.text(st.characters(exclude_categories=()), max_size=20)


def field(plausible: st.SearchStrategy) -> st.SearchStrategy:
    """Draw a plausible value for a record field three times in four, else any JSON value."""
    return st.integers(0, 3).flatmap(lambda choice: JSON_VALUES if choice == 0 else plausible)


def string_lists(values: list[str]) -> st.SearchStrategy:
    return st.lists(st.sampled_from(values) | TEXT, max_size=4)


METADATA = (
    st.sampled_from(["", "{}", '{"signature-sizes":[12,34]}', '{"signature-sizes":null}', '{"signature-sizes":[1.5]}', "[", "null", "[1]"])
    | TEXT
)

IMAGE_FIELDS = {
    "id": field(st.sampled_from(IMAGE_IDS)),
    "digest": field(st.sampled_from(DIGESTS)),
    "names": field(string_lists(NAMES)),
    "names-history": field(string_lists(NAMES)),
    "layer": field(st.sampled_from(LAYER_IDS)),
    "mapped-layers": field(string_lists(LAYER_IDS)),
    "metadata": field(METADATA),
    "big-data-names": field(string_lists(BIG_DATA_KEYS)),
    "big-data-sizes": field(st.dictionaries(st.sampled_from(BIG_DATA_KEYS) | TEXT, st.integers() | JSON_VALUES, max_size=4)),
    "big-data-digests": field(
        st.dictionaries(st.sampled_from(BIG_DATA_KEYS) | TEXT, st.sampled_from(DIGESTS) | JSON_VALUES, max_size=4)
    ),
    "created": field(st.sampled_from(["2024-01-01T00:00:00Z", "", "yesterday"])),
    "flags": field(st.dictionaries(TEXT, JSON_VALUES, max_size=2)),
}

LAYER_FIELDS = {
    "id": field(st.sampled_from(LAYER_IDS)),
    "parent": field(st.sampled_from(LAYER_IDS)),
    "names": field(string_lists(["layer-name", *LAYER_IDS])),
    "diff-digest": field(st.sampled_from(DIGESTS)),
    "toc-digest": field(st.sampled_from(DIGESTS)),
    "compressed-diff-digest": field(st.sampled_from(DIGESTS)),
    "diff-size": field(st.sampled_from([-1, 0, 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1]) | st.integers()),
    "compressed-size": field(st.integers()),
    "flags": field(st.fixed_dictionaries({}, optional={"incomplete": field(st.booleans())})),
    "uidset": field(st.lists(st.integers(), max_size=2)),
}


@st.composite
def records(draw: st.DrawFn, real: list[dict[str, Any]], fields: dict[str, st.SearchStrategy]) -> dict[str, Any]:
    """Draw a record: one built from drawn fields, or a real one with up to two fields replaced or removed.

    Real records with few changes get past the checks of the early fields, so later steps run too.
    """
    if draw(st.integers(0, 3)) == 0:
        return draw(st.fixed_dictionaries({}, optional=fields))
    record = dict(draw(st.sampled_from(real)))
    for key in draw(st.sets(st.sampled_from(sorted(fields)), max_size=2)):
        if draw(st.booleans()):
            record[key] = draw(fields[key])
        else:
            record.pop(key, None)
    return record


@st.composite
def edited_lists(draw: st.DrawFn, real: list[dict[str, Any]], fields: dict[str, st.SearchStrategy]) -> list[dict[str, Any]]:
    """Draw the real records with up to three records replaced, removed or added."""
    edited = list(real)
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        index = draw(st.integers(0, max(len(edited) - 1, 0)))
        if action == "add" or not edited:
            edited.insert(index, draw(records(real, fields)))
        elif action == "replace":
            edited[index] = draw(records(real, fields))
        else:
            del edited[index]
    return edited


IMAGE_LISTS = edited_lists(REAL_IMAGES, IMAGE_FIELDS) | st.lists(records(REAL_IMAGES, IMAGE_FIELDS), max_size=6)
LAYER_LISTS = edited_lists(REAL_LAYERS, LAYER_FIELDS) | st.lists(records(REAL_LAYERS, LAYER_FIELDS), max_size=8)


@st.composite
def json_documents(draw: st.DrawFn, values: st.SearchStrategy) -> bytes:
    """Encode a drawn JSON value as ASCII with escapes, or as UTF-8 that may contain lone surrogates."""
    value = draw(values)
    if draw(st.booleans()):
        return json.dumps(value).encode("ascii")
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "store"
    shutil.copytree(CONFORMANCE_STORE, root)
    (root.parent / "registries.conf").write_text('unqualified-search-registries = ["docker.io", "quay.io"]\n')
    return root


def write_store(root: Path, images_json: bytes, layers_json: bytes, short_name_mode: str = "enforcing") -> Settings:
    """Write the two files into the store and return settings for it, with no file of this machine."""
    (root / "vfs-images" / "images.json").write_bytes(images_json)
    (root / "vfs-layers" / "layers.json").write_bytes(layers_json)
    crio = {"crio": {"image": {"pinned_images": ["quay.io/example/*", "*alpine*"], "short_name_mode": short_name_mode}}}
    return Settings(
        store=StoreConfig(graph_root=root, run_root=root / "run", driver="vfs"),
        crio=crio,
        registries_conf=root.parent / "registries.conf",
    )


def list_or_none(store_settings: Settings, name: str = "", filters: list[str] | None = None) -> list[CriImage] | None:
    """Return the listing, or None when it raised CriimagesError; any other exception propagates."""
    try:
        images = list_images(store_settings, lock_timeout=0, name=name, filters=filters or [])
    except CriimagesError:
        return None
    assert isinstance(images, list)
    assert all(isinstance(image, CriImage) for image in images)
    return images


@EXAMPLES
@given(images_json=st.binary(max_size=200) | st.just(json.dumps(REAL_IMAGES).encode()), layers_json=st.binary(max_size=200))
def test_arbitrary_bytes(fuzz_root: Path, images_json: bytes, layers_json: bytes) -> None:
    list_or_none(write_store(fuzz_root, images_json, layers_json))


@EXAMPLES
@given(images_json=json_documents(JSON_VALUES), layers_json=json_documents(JSON_VALUES))
def test_arbitrary_json(fuzz_root: Path, images_json: bytes, layers_json: bytes) -> None:
    list_or_none(write_store(fuzz_root, images_json, layers_json))


@EXAMPLES
@given(
    images_json=json_documents(IMAGE_LISTS),
    layers_json=json_documents(LAYER_LISTS),
    name=st.just("") | st.sampled_from([*NAMES, "afba01043a095", "ab"]) | TEXT,
    filters=st.just([]) | st.lists(st.sampled_from(FILTERS) | TEXT, max_size=2),
    output=st.sampled_from(["", "json", "yaml", "table"]),
    flags=st.lists(st.booleans(), min_size=5, max_size=5),
    short_name_mode=st.sampled_from(["enforcing", "disabled"]),
)
def test_shaped_records_list(
    fuzz_root: Path,
    images_json: bytes,
    layers_json: bytes,
    name: str,
    filters: list[str],
    output: str,
    flags: list[bool],
    short_name_mode: str,
) -> None:
    images = list_or_none(write_store(fuzz_root, images_json, layers_json, short_name_mode), name, filters)
    if images is None:
        return

    quiet, verbose, digests, no_trunc, pinned = flags
    try:
        text = render_images(images, output=output, quiet=quiet, verbose=verbose, digests=digests, no_trunc=no_trunc, pinned=pinned)
    except CriimagesError:
        return
    text.encode("utf-8")


@EXAMPLES
@given(
    images_json=json_documents(IMAGE_LISTS),
    layers_json=json_documents(LAYER_LISTS),
    names=st.lists(st.sampled_from(NAMES) | TEXT, max_size=2),
    output=st.sampled_from(["json", "yaml", "table"]),
    verbose=st.booleans(),
)
def test_shaped_records_inspect(
    fuzz_root: Path, images_json: bytes, layers_json: bytes, names: list[str], output: str, verbose: bool
) -> None:
    store_settings = write_store(fuzz_root, images_json, layers_json)
    try:
        statuses = inspect_images(store_settings, lock_timeout=0, names=names)
        text = render_statuses(statuses, output=output, verbose=verbose)
    except CriimagesError:
        return
    assert all(isinstance(status, ImageStatus) for status in statuses)
    text.encode("utf-8")


@EXAMPLES
@given(images_json=json_documents(IMAGE_LISTS), layers_json=json_documents(LAYER_LISTS), max_images=st.sampled_from([-1, 0, 3, 50]))
def test_shaped_records_node_status(fuzz_root: Path, images_json: bytes, layers_json: bytes, max_images: int) -> None:
    store_settings = write_store(fuzz_root, images_json, layers_json)
    try:
        images = node_images(store_settings, lock_timeout=0, max_images=max_images)
        text = node_status_json(images)
    except CriimagesError:
        return
    assert all(isinstance(image, CriImage) for image in images)
    text.encode("utf-8")


@EXAMPLES
@given(
    images_json=json_documents(IMAGE_LISTS) | json_documents(JSON_VALUES),
    layers_json=json_documents(LAYER_LISTS) | json_documents(JSON_VALUES),
)
def test_shaped_records_check(fuzz_root: Path, images_json: bytes, layers_json: bytes) -> None:
    store_settings = write_store(fuzz_root, images_json, layers_json)
    try:
        findings = check_store(store_settings.store, lock_timeout=0)
    except CriimagesError:
        return
    assert isinstance(findings, list)
    "".join(format_line(finding) for finding in findings).encode("utf-8")
