"""Check a containers/storage store for damage: missing layers, broken big data, name conflicts, leftovers.

The check reads what open_store reads, under the same shared read locks, plus the container
records (DRIVER-containers/containers.json and volatile-containers.json) that tell which layers
containers still use. It writes, creates and write-locks nothing. Unlike open_store it reads
images.json records one at a time, so that a malformed record becomes a finding instead of
failing the whole check, and it never builds a path from an image ID that is not 64 hex digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from criimages.config import StoreConfig
from criimages.digests import big_data_digest
from criimages.convert import convert_image
from criimages.errors import CriimagesError, InvalidReference, StoreError
from criimages.files import json_type
from criimages.reference import is_image_id, parse_normalized, validate_digest
from criimages.store import (
    DEFAULT_LOCK_TIMEOUT,
    Layer,
    Store,
    StoredImage,
    _field,
    _InvalidRecord,
    _load_layers,
    _parse_image,
    _read_json_array,
    _shared_locks,
    big_data_file_name,
    first_records,
    resolve_store_paths,
)


class FindingKind(Enum):
    """The kind of problem a finding reports. Its value is the name that `criimages check` prints."""

    INVALID_IMAGE_ID = "invalid-image-id"
    INVALID_IMAGE_RECORD = "invalid-image-record"
    INVALID_NAME = "invalid-name"
    DUPLICATE_NAME = "duplicate-name"
    MISSING_LAYER = "missing-layer"
    LAYER_CYCLE = "layer-cycle"
    MISSING_BIG_DATA = "missing-big-data"
    UNREADABLE_BIG_DATA = "unreadable-big-data"
    BIG_DATA_SIZE_MISMATCH = "big-data-size-mismatch"
    BIG_DATA_DIGEST_MISMATCH = "big-data-digest-mismatch"
    UNLISTABLE_IMAGE = "unlistable-image"
    UNUSED_LAYER = "unused-layer"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the store, with the text as stored: callers escape it before printing."""

    kind: FindingKind
    # The image or layer ID as stored, or "" when the images.json record has no string ID.
    object_id: str
    # The file involved: the images.json, big-data file or layers file, or None for a layer chain.
    path: Path | None
    detail: str


@dataclass(frozen=True, slots=True)
class _ImageRecord:
    """One images.json record: the parsed image, or None when the record cannot be parsed."""

    image: StoredImage | None
    # Layers the record refers to: its top layer and its mapped top layers, which are copies of the
    # top layer with other UID and GID mappings and the same parent.
    layer_references: tuple[str, ...]


def check_store(config: StoreConfig, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> list[Finding]:
    """Return every problem found in the store that the configuration names.

    Findings come per images.json (malformed records, then duplicate names), then per image
    (layer chain, then big data, then a failed conversion), then the unused layers. Raises
    StoreError, as open_store does, when the store cannot be read at all. Examples are a missing
    root, an images.json, layers.json or containers.json that is not a JSON array, and a lock that
    a writer holds past the timeout.
    """
    paths = resolve_store_paths(config)
    containers_dir = config.graph_root / f"{paths.driver}-containers"
    # With transient_store, containers/storage keeps volatile-containers.json and containers.lock in
    # the runroot (newContainerStore in containers.go).
    volatile_containers_dir = (config.run_root if config.transient_store else config.graph_root) / f"{paths.driver}-containers"
    container_files = [containers_dir / "containers.json", volatile_containers_dir / "volatile-containers.json"]
    lock_files = [*paths.lock_files, volatile_containers_dir / "containers.lock"]

    findings: list[Finding] = []
    with _shared_locks(lock_files, lock_timeout):
        records: list[_ImageRecord] = []
        for images_dir, read_only in paths.image_dirs:
            records += _read_image_records(images_dir, read_only, findings)
        layers, layer_names, layer_files = _read_layers(paths.layer_files)
        images = tuple(record.image for record in records if record.image is not None)
        store = Store(images=images, layers=layers, layer_names=layer_names, driver=paths.driver, first_by_id=first_records(images))
        for image in store.images:
            image_findings = _check_names(image) + _check_layer_chain(store, image) + _check_big_data(image)
            if not image_findings:
                image_findings = _check_conversion(store, image)
            findings += image_findings
        container_layers = _read_container_layers(container_files)

    used = _used_layers(store, [reference for record in records for reference in record.layer_references] + container_layers)
    for layer_id, (layer_file, read_only) in layer_files.items():
        # Layers of additional image stores are not reported, because those stores are read-only here
        # and other hosts may share them.
        if layer_id not in used and not read_only:
            detail = f"no image and no container uses this layer (listed in '{layer_file}')"
            findings.append(Finding(FindingKind.UNUSED_LAYER, layer_id, layer_file, detail))
    return findings


def _check_conversion(store: Store, image: StoredImage) -> list[Finding]:
    """Report an image that CRI-O cannot convert for a reason the other checks do not cover.

    Examples are a manifest list without an instance for this machine, or a config that does not
    decode, both of which fail the whole listing.
    """
    try:
        convert_image(store, image)
    except CriimagesError as error:
        reason = str(error).removeprefix(f"image {image.id}: ")
        return [Finding(FindingKind.UNLISTABLE_IMAGE, image.id, None, f"CRI-O cannot list it: {reason}")]
    return []


def _check_names(image: StoredImage) -> list[Finding]:
    """Report each stored name that CRI-O rejects, which makes it fail the whole listing."""
    findings = []
    for name in image.names:
        try:
            reference = parse_normalized(name)
        except InvalidReference as error:
            findings.append(Finding(FindingKind.INVALID_NAME, image.id, None, f"name {name!r} is invalid: {error}"))
            continue
        if not reference.tag and not reference.digest:
            findings.append(Finding(FindingKind.INVALID_NAME, image.id, None, f"name {name!r} has neither a tag nor a digest"))
    return findings


def _read_image_records(images_dir: Path, read_only: bool, findings: list[Finding]) -> list[_ImageRecord]:
    """Parse each record of one images.json, adding a finding for each record that cannot be used."""
    path = images_dir / "images.json"
    raw_records = _read_json_array(path, "images.json")
    records: list[_ImageRecord] = []
    for index, raw in enumerate(raw_records):
        where = f"record #{index + 1} of '{path}'"
        if not isinstance(raw, dict):
            findings.append(Finding(FindingKind.INVALID_IMAGE_RECORD, "", path, f"{where} is {json_type(raw)}, not a JSON object"))
            continue

        references = _layer_references(raw)
        image_id = raw.get("id")
        if not isinstance(image_id, str) or not is_image_id(image_id):
            findings.append(_invalid_id_finding(image_id, where, path))
            records.append(_ImageRecord(None, references))
            continue

        try:
            image = _parse_image(raw, index, path, images_dir, read_only)
        except StoreError as error:
            findings.append(Finding(FindingKind.INVALID_IMAGE_RECORD, image_id, path, str(error)))
            image = None
        records.append(_ImageRecord(image, references))

    findings += _check_duplicate_names(raw_records, path, read_only)
    return records


def _invalid_id_finding(image_id: Any, where: str, path: Path) -> Finding:
    if image_id is None:
        detail = f"{where} has no image ID"
    else:
        id_text = f"'{image_id}'" if isinstance(image_id, str) else json_type(image_id)
        detail = f"{where} has image ID {id_text}, which is not 64 lowercase hex digits"
    return Finding(FindingKind.INVALID_IMAGE_ID, image_id if isinstance(image_id, str) else "", path, detail)


def _layer_references(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the top layer and mapped top layers of a raw record, skipping values that are not strings."""
    references = [raw.get("layer")]
    mapped = raw.get("mapped-layers")
    if isinstance(mapped, list):
        references += mapped
    return tuple(reference for reference in references if isinstance(reference, str) and reference)


def _check_duplicate_names(raw_records: Sequence[Any], path: Path, read_only: bool) -> list[Finding]:
    """Report each image that loses a name to a later image in the same images.json (images.go load)."""
    claims: dict[str, list[int]] = {}
    for index, raw in enumerate(raw_records):
        names = raw.get("names") if isinstance(raw, dict) else None
        if not isinstance(names, list):
            continue
        for name in dict.fromkeys(name for name in names if isinstance(name, str)):
            claims.setdefault(name, []).append(index)

    findings = []
    for name, indexes in claims.items():
        if len(indexes) < 2:
            continue
        keeper = _record_id(raw_records[indexes[-1]]) or f"in record #{indexes[-1] + 1}"
        if read_only:
            consequence = "containers/storage fails to load this read-only image store"
        else:
            consequence = "containers/storage removes the name from this image when it next loads the store"
        for index in indexes[:-1]:
            detail = f"name '{name}' is also claimed by the later image {keeper}, so {consequence}"
            findings.append(Finding(FindingKind.DUPLICATE_NAME, _record_id(raw_records[index]), path, detail))
    return findings


def _record_id(raw: Mapping[str, Any]) -> str:
    image_id = raw.get("id")
    return image_id if isinstance(image_id, str) else ""


def _read_layers(layer_files: Iterable[tuple[Path, bool]]) -> tuple[dict[str, Layer], dict[str, str], dict[str, tuple[Path, bool]]]:
    """Load the layer files as open_store does, and remember the file and read-only flag of each layer."""
    layers: dict[str, Layer] = {}
    layer_names: dict[str, str] = {}
    origins: dict[str, tuple[Path, bool]] = {}
    for layer_file, read_only in layer_files:
        file_layers: dict[str, Layer] = {}
        file_names: dict[str, str] = {}
        _load_layers(layer_file, file_layers, file_names)
        for layer_id, layer in file_layers.items():
            # An ID already loaded from an earlier file keeps the earlier record, as in open_store.
            if layer_id not in layers:
                layers[layer_id] = layer
                origins[layer_id] = (layer_file, read_only)
        for name, layer_id in file_names.items():
            if layers[layer_id] is file_layers[layer_id]:
                layer_names.setdefault(name, layer_id)
    return layers, layer_names, origins


def _check_layer_chain(store: Store, image: StoredImage) -> list[Finding]:
    """Follow the image's top layer through its parents, as CRI-O does when it computes the image size."""
    layer_id = image.top_layer
    child = ""
    seen: set[str] = set()
    while layer_id:
        layer = store.find_layer(layer_id)
        if layer is None:
            if child:
                detail = f"layer {layer_id}, the parent of layer {child}, is missing from the layer stores"
            else:
                detail = f"top layer {layer_id} is missing from the layer stores"
            return [Finding(FindingKind.MISSING_LAYER, image.id, None, detail)]
        if layer.id in seen:
            detail = f"the parent chain of top layer {image.top_layer} loops back to layer {layer.id}"
            return [Finding(FindingKind.LAYER_CYCLE, image.id, None, detail)]
        seen.add(layer.id)
        child = layer.id
        layer_id = layer.parent
    return []


def _check_big_data(image: StoredImage) -> list[Finding]:
    """Compare each big-data file of the image with the size and digest that images.json records for it."""
    findings = []
    for key in image.big_data_names:
        path = image.images_dir / image.id / big_data_file_name(key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            findings.append(Finding(FindingKind.MISSING_BIG_DATA, image.id, path, f"big-data item '{key}' is missing: '{path}' not found"))
            continue
        except OSError as error:
            detail = f"big-data item '{key}' cannot be read from '{path}': {error.strerror or error}"
            findings.append(Finding(FindingKind.UNREADABLE_BIG_DATA, image.id, path, detail))
            continue

        recorded_size = image.big_data_sizes.get(key)
        if recorded_size is not None and recorded_size != len(data):
            detail = f"big-data item '{key}' is {len(data)} bytes, but big-data-sizes records {recorded_size}"
            findings.append(Finding(FindingKind.BIG_DATA_SIZE_MISMATCH, image.id, path, detail))

        recorded_digest = image.big_data_digests.get(key)
        if recorded_digest is not None:
            problem = _compare_digest(key, data, recorded_digest)
            if problem:
                findings.append(Finding(FindingKind.BIG_DATA_DIGEST_MISMATCH, image.id, path, problem))
    return findings


def _compare_digest(key: str, data: bytes, recorded: str) -> str:
    """Return why data does not match the recorded digest of the big-data item key, or "" when it does."""
    problem = validate_digest(recorded)
    if problem:
        return f"big-data-digests records {recorded!r} for big-data item '{key}', which is not a valid digest ({problem})"
    algorithm = recorded.partition(":")[0]
    try:
        actual = big_data_digest(key, data, algorithm)
    except (ValueError, RecursionError) as error:
        return f"the digest of big-data item '{key}' cannot be computed: {error}"
    if actual != recorded:
        return f"big-data item '{key}' hashes to {actual}, but big-data-digests records {recorded}"
    return ""


def _read_container_layers(container_files: Iterable[Path]) -> list[str]:
    """Return the read-write layer of every container record. A missing file means no containers."""
    layers = []
    for path in container_files:
        for index, record in enumerate(_read_json_array(path, "containers.json")):
            where = f"'{path}' container #{index + 1}"
            if not isinstance(record, dict):
                raise StoreError(f"invalid {where}: expected a JSON object, found {json_type(record)}")
            try:
                layer_id = _field(record, "layer", str)
            except _InvalidRecord as error:
                raise StoreError(f"invalid {where}: {error}") from None
            if layer_id:
                layers.append(layer_id)
    return layers


def _used_layers(store: Store, references: Iterable[str]) -> set[str]:
    """Return the IDs of the referenced layers and of all their ancestors that the store holds."""
    used: set[str] = set()
    for reference in references:
        layer = store.find_layer(reference)
        while layer is not None and layer.id not in used:
            used.add(layer.id)
            layer = store.find_layer(layer.parent) if layer.parent else None
    return used
