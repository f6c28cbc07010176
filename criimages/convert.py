"""Turn stored images into the CRI images CRI-O returns from ListImages.

The rules are CRI-O's (server/image_list.go ConvertImage, internal/storage/image.go
buildImageResult, parseImageNames and makeRepoDigests) and containers/image's size computation
(storage/storage_src.go getSize), at the versions the conformance outputs were captured with.
"""

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from criimages.config import StoreConfig
from criimages.errors import ConfigError, CriimagesError, ImageError, InvalidReference
from criimages.files import array_cuts, array_piece
from criimages.manifest import read_image_user
from criimages.processes import MAX_PROCESSES, available_cpus, run_shards
from criimages.reference import Reference, parse_normalized
from criimages.store import (
    ImageRecords,
    Store,
    StoreBytes,
    StoredImage,
    big_data_size,
    build_store,
    check_image,
    parse_store_files,
    read_store_bytes,
)

_INT64_MAX = 2**63 - 1

# convert_store forks workers when the images.json files hold at least this many bytes, about 400
# images: below that a fork costs more than it saves (bench/run.py).
PARALLEL_MIN_BYTES = 512 * 1024


class CriImage(NamedTuple):
    """The CRI Image message that CRI-O builds for one stored image."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    size: int
    uid: int | None
    username: str
    pinned: bool


class SkippedImage(NamedTuple):
    """An image left out of a listing with --skip-broken, and why CRI-O could not convert it."""

    id: str
    reason: str


def convert_images(
    store: Store,
    pinned_patterns: Sequence[re.Pattern[str]] = (),
    skipped: list[SkippedImage] | None = None,
) -> list[CriImage]:
    """Convert every image of the store in store order.

    As in CRI-O, the first image that cannot be converted fails the whole listing, unless a skipped
    list is given: then such images are left out and recorded in it.
    """
    converted = (convert_or_skip(store, image, pinned_patterns, skipped) for image in store.images)
    return [image for image in converted if image is not None]


def convert_store(
    config: StoreConfig,
    lock_timeout: float,
    pinned_patterns: Sequence[re.Pattern[str]] = (),
    skipped: list[SkippedImage] | None = None,
) -> list[CriImage]:
    """Read the store and convert every image in store order, as convert_images(open_store(...)) does.

    A large store is parsed, checked and converted in several processes (criimages/processes.py),
    each taking a share of the images. That covers stores whose every record and image is sound and
    whose image IDs are distinct. When any image fails there, this process checks and converts the
    whole store alone, which raises the first error in store order or records every skipped image.
    """
    store_bytes = read_store_bytes(config, lock_timeout)
    count = 1
    if store_bytes.image_bytes() >= PARALLEL_MIN_BYTES:
        count = min(available_cpus(), MAX_PROCESSES)
    if count > 1:
        converted = _convert_in_processes(store_bytes, count, pinned_patterns)
        if converted is not None:
            return converted
    return convert_images(build_store(parse_store_files(store_bytes)), pinned_patterns, skipped)


def _convert_in_processes(store_bytes: StoreBytes, count: int, pinned_patterns: Sequence[re.Pattern[str]]) -> list[CriImage] | None:
    """Convert the images in count processes, each parsing and converting a piece of every images.json.

    Returns None when the store is not one this covers: when a piece or an image fails, or when an
    image ID or a name occurs twice, which the rules of the one-process path settle.
    """
    cuts = [array_cuts(data or b"", count) for _, _, _, data in store_bytes.image_files]

    def shard(index: int, count: int) -> list[list]:
        # Each process parses its own piece: objects shared by fork would be copied page by page
        # as soon as reference counts change, which costs more than parsing.
        try:
            files = parse_store_files(store_bytes, lambda position, data: array_piece(data, cuts[position], index))
        except CriimagesError:
            return [[None]]
        # With distinct IDs every image is its own data owner, so the store needs no image list.
        store = Store(images=(), layers=files.layers, layer_names=files.layer_names, driver=files.driver)
        names: list[str] = []

        def attempt(source: ImageRecords, position: int) -> tuple | None:
            # Fields only, which marshal can carry from a worker; None for a failure of any kind.
            try:
                image = check_image(source, position)
                names.extend(image.names)
                return tuple(convert_image(store, image, pinned_patterns))
            except Exception:  # noqa: BLE001 - the one-process path raises it again, in order
                return None

        pieces = [[attempt(source, position) for position in range(len(source.records))] for source in files.image_files]
        return [*pieces, names]

    shards = run_shards(shard, count)
    if any(len(part) != len(store_bytes.image_files) + 1 for part in shards):
        return None
    # Store order: every piece of the first images.json in order, then those of the next one.
    results = [fields for position in range(len(store_bytes.image_files)) for part in shards for fields in part[position]]
    names = [name for part in shards for name in part[-1]]
    if None in results or len({fields[0] for fields in results}) != len(results) or len(set(names)) != len(names):
        return None
    return [CriImage._make(fields) for fields in results]


def convert_or_skip(
    store: Store,
    image: StoredImage,
    pinned_patterns: Sequence[re.Pattern[str]],
    skipped: list[SkippedImage] | None,
    fallback_digest: str | None = None,
) -> CriImage | None:
    """Convert one image; when it fails and a skipped list is given, record it there and return None."""
    try:
        return convert_image(store, image, pinned_patterns, fallback_digest)
    except CriimagesError as error:
        record_skip(skipped, image.id, error)
        return None


def record_skip(skipped: list[SkippedImage] | None, image_id: str, error: CriimagesError) -> None:
    """Add the failed image to skipped, or re-raise the error when skipping was not asked for."""
    if skipped is None:
        raise error
    # The skip line names the image already, so the reason drops its own mention of the ID.
    reason = str(error).removeprefix(f"image {image_id}: ").replace(f" in image {image_id}", "")
    skipped.append(SkippedImage(image_id, reason))


def convert_image(
    store: Store,
    image: StoredImage,
    pinned_patterns: Sequence[re.Pattern[str]] = (),
    fallback_digest: str | None = None,
    previous_name_fallback: bool = True,
) -> CriImage:
    """Convert one stored image as CRI-O's ListImages does.

    fallback_digest replaces the image digest in the PreviousName fallback, as it does when CRI-O
    finds the image by name or ID. ImageStatus (crictl inspecti) applies no fallback at all.
    """
    owner = store.data_owner(image)
    tags, digested = parse_names(image)
    image_digest, repo_digests = make_repo_digests(image, tags, digested)
    if fallback_digest is not None:
        image_digest = fallback_digest

    if previous_name_fallback and not repo_digests and image.names_history and image_digest:
        repo_digests = [f"{previous_name(image.names_history)}@{image_digest}"]

    uid, username = split_user(read_image_user(owner))
    # Positional arguments, in CriImage's field order: keywords cost more for 10,000 images.
    return CriImage(
        image.id,
        tuple(sorted([f"{tag.repository}:{tag.tag}" for tag in tags])),
        tuple(sorted(repo_digests)),
        image_size(store, owner),
        uid,
        username,
        is_pinned(image.names, pinned_patterns),
    )


def parse_names(image: StoredImage) -> tuple[list[Reference], list[Reference]]:
    """Split the stored names into tagged and digested references; a name with a digest counts as digested."""
    tags: list[Reference] = []
    digested: list[Reference] = []
    for name in image.names:
        try:
            reference = parse_normalized(name)
        except InvalidReference as error:
            raise ImageError(f"invalid name {name!r} in image {image.id}: {error}") from None
        if reference.digest:
            digested.append(reference)
        elif reference.tag:
            tags.append(reference)
        else:
            raise ImageError(f"invalid name {name!r} in image {image.id}: it has neither a tag nor a digest")
    return tags, digested


def previous_name(names_history: Sequence[str]) -> str:
    """Return CRI-O's PreviousName: the newest names-history entry cut at its first colon.

    The cut is literal, so a registry port or a digest in that entry is cut too
    ("localhost:5000/app:v1" gives "localhost").
    """
    return names_history[0].split(":", 1)[0] if names_history else ""


def make_repo_digests(image: StoredImage, tags: Iterable[Reference], digested: Sequence[Reference]) -> tuple[str, list[str]]:
    """Return the image digest and the repo digests: the digested names, then every repository with every digest.

    The generated repository@digest pairs may never have existed on a registry; CRI-O adds them by
    design. A digested name stored twice stays twice, and only generated pairs are deduplicated.
    """
    image_digest = image.digest or image.big_data_digests.get("manifest", "")
    repo_digests = [str(reference) for reference in digested]
    if not image_digest:
        return "", repo_digests

    digests = [image_digest] + [d for d in image.digests if d != image_digest]
    known = set(repo_digests)
    for reference in [*tags, *digested]:
        for digest in digests:
            pair = f"{reference.repository}@{digest}"
            if pair not in known:
                known.add(pair)
                repo_digests.append(pair)
    return image_digest, repo_digests


def split_user(user: str) -> tuple[int | None, str]:
    """Split an image's User as CRI-O's getUserFromImage does: a numeric part before ":" is the uid."""
    if not user:
        return None, ""
    name = user.split(":", 1)[0]
    uid = _parse_go_int64(name)
    if uid is None:
        return None, name
    return uid, ""


def _parse_go_int64(text: str) -> int | None:
    # strconv.ParseInt(text, 10, 64): an optional sign and ASCII digits, nothing else, within int64.
    digits = text[1:] if text[:1] in "+-" and text else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    value = int(text)
    return value if -(2**63) <= value <= _INT64_MAX else None


def image_size(store: Store, image: StoredImage) -> int:
    """Return the size CRI-O reports: big data, signatures and the uncompressed size of each layer in the chain."""
    recorded = image.big_data_sizes
    total = 0
    for key in image.big_data_names:
        size = recorded.get(key)
        total += size if size is not None else big_data_size(image, key)
    total += sum(_signature_sizes(image))

    layers = store.layers
    layer_id = image.top_layer
    seen: set[str] = set()
    while layer_id:
        layer = layers.get(layer_id) or store.find_layer(layer_id)
        if layer is None:
            raise ImageError(f"image {image.id}: layer {layer_id} is not known to the store")
        if layer.id in seen:
            raise ImageError(f"image {image.id}: the parent chain of layer {image.top_layer} loops at layer {layer.id}")
        seen.add(layer.id)
        if not layer.diff_digest and not layer.toc_digest:
            raise ImageError(f"image {image.id}: size for layer {layer.id!r} is unknown (no diff-digest and no toc-digest)")
        if layer.diff_size < 0 and not layer.toc_digest:
            raise ImageError(f"image {image.id}: size for layer {layer.id!r} is unknown (diff-size {layer.diff_size})")
        total += max(layer.diff_size, 0)
        layer_id = layer.parent

    if total > _INT64_MAX:
        raise ImageError(f"image {image.id}: size {total} does not fit in a 64-bit integer")
    return total


def _signature_sizes(image: StoredImage) -> list[int]:
    """Return metadata's "signature-sizes"; the per-instance "signatures-sizes" map is not counted, as in getSize."""
    if not image.metadata or image.metadata == "{}":
        return []

    import json

    try:
        metadata = json.loads(image.metadata)
    except (ValueError, RecursionError) as error:
        raise ImageError(f"image {image.id}: metadata is not valid JSON: {error}") from None
    if not isinstance(metadata, dict):
        raise ImageError(f"image {image.id}: metadata is not a JSON object")
    sizes = metadata.get("signature-sizes")
    if sizes is None:
        return []
    if not isinstance(sizes, list) or not all(type(size) is int and -(2**63) <= size <= _INT64_MAX for size in sizes):
        raise ImageError(f"image {image.id}: metadata signature-sizes is not a list of integers")
    return sizes


def compile_pinned_patterns(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile pinned_images patterns as CRI-O's CompileRegexpsForPinnedImages, all case-insensitive.

    "*word*" matches anywhere, "prefix*" matches the prefix anywhere (unanchored), anything else
    matches the whole name.
    """
    compiled = []
    for pattern in patterns:
        if not pattern:
            continue
        if pattern == "*":
            raise ConfigError("pinned image pattern '*' is invalid: CRI-O cannot compile it; list the images to pin")
        if len(pattern) > 1 and pattern.startswith("*") and pattern.endswith("*"):
            compiled.append(re.compile(re.escape(pattern[1:-1]), re.IGNORECASE))
        elif pattern.endswith("*"):
            compiled.append(re.compile(re.escape(pattern[:-1]) + ".*", re.IGNORECASE))
        else:
            compiled.append(re.compile("^" + re.escape(pattern) + r"\Z", re.IGNORECASE))
    return compiled


def is_pinned(names: Iterable[str], patterns: Sequence[re.Pattern[str]]) -> bool:
    """Tell whether any raw stored name matches a pinned pattern."""
    return any(pattern.search(name) for name in names for pattern in patterns)
