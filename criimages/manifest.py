"""Find an image's config through its stored manifest, as containers/image does for CRI-O.

CRI-O reads every image's manifest (choosing the instance for this machine from an index) and
the config it names, and fails the whole listing when it cannot. The rules are containers/image
v5's: `manifest.GuessMIMEType`, `manifest.NormalizedMIMEType`, the instance choice of
`manifest/oci_index.go` and `manifest/docker_schema2_list.go`, and `internal/pkg/platform`.
"""

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

from criimages.errors import ImageError
from criimages.files import loads_json
from criimages.ociconfig import decode_oci_image, image_user
from criimages.store import MissingBigData, StoredImage, read_big_data

DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
DOCKER_SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"

_KNOWN_TYPES = {DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, DOCKER_SCHEMA2, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX}
_LISTS = {DOCKER_LIST, OCI_INDEX}

# The big-data key of the image's default manifest (containers/storage ImageDigestBigDataKey).
MANIFEST_KEY = "manifest"

# Go's GOARCH for the machine names that platform.machine() gives on Linux.
_GO_ARCHITECTURES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "386",
    "i686": "386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "mips64": "mips64le",
    "loongarch64": "loong64",
}

# Variants from most to least capable, and the base variant every machine of the architecture runs
# (containers/image internal/pkg/platform/platform_matcher.go).
_VARIANT_COMPATIBILITY = {"arm": ("v7", "v6", "v5"), "arm64": ("v8",)}
_BASE_VARIANTS = {"arm64": "v8"}
_ZSTD_ANNOTATION = "io.github.containers.compression.zstd"


class Platform(NamedTuple):
    """An OS, architecture and variant, as image indexes name them."""

    os: str
    architecture: str
    variant: str = ""


@cache
def wanted_platforms() -> tuple[Platform, ...]:
    """Return the platforms an image instance may have on this machine, the preferred one first."""
    import platform

    machine = platform.machine().lower()
    if machine.startswith("armv"):
        architecture, variant = "arm", "v" + machine[4]
    else:
        architecture, variant = _GO_ARCHITECTURES.get(machine, machine), ""
        if architecture == "arm64":
            variant = "v8"

    if variant:
        order = _VARIANT_COMPATIBILITY.get(architecture, ())
        variants = list(order[order.index(variant) :]) if variant in order else [variant]
        variants.append("")
    else:
        variants = [""]
        if architecture in _BASE_VARIANTS:
            variants.append(_BASE_VARIANTS[architecture])
    return tuple(Platform("linux", architecture, v) for v in variants)


def guess_media_type(blob: bytes) -> str:
    """Return the manifest media type the way manifest.GuessMIMEType infers it, or "" when unknown."""
    try:
        document = loads_json(blob)
    except (ValueError, RecursionError):
        return ""
    return media_type_of(document)


def media_type_of(document: Any) -> str:
    """Infer the media type of a parsed manifest, as manifest.GuessMIMEType does."""
    if not isinstance(document, dict):
        return ""
    media_type = document.get("mediaType")
    if media_type in _KNOWN_TYPES:
        return media_type
    version = document.get("schemaVersion")
    if version == 1:
        return DOCKER_SCHEMA1_SIGNED if document.get("signatures") is not None else DOCKER_SCHEMA1
    if version == 2:
        config = document.get("config")
        if isinstance(config, dict) and config.get("mediaType") == OCI_CONFIG:
            return OCI_MANIFEST
        manifests = document.get("manifests")
        if isinstance(manifests, list) and manifests:
            return OCI_INDEX
        return DOCKER_SCHEMA2
    return ""


class ImageConfig(NamedTuple):
    """An image's OCI config as containers/image decodes it, and its manifest's annotations."""

    oci: Mapping[str, Any]
    annotations: Mapping[str, str]

    @property
    def labels(self) -> Mapping[str, str]:
        """Return config.Labels, which CRI-O also reports as the image's labels."""
        return self.oci["config"].get("Labels", {})


def read_image_config(image: StoredImage) -> ImageConfig:
    """Return the image's OCI config and manifest annotations; raises ImageError where CRI-O fails."""
    config, annotations = _read_config_document(image)
    return ImageConfig(oci=decode_oci_image(config, image.id), annotations=annotations)


def read_image_user(image: StoredImage) -> str:
    """Return the User of the image's config, reading and checking it as CRI-O's listing does."""
    config, _ = _read_config_document(image)
    return image_user(config, image.id)


def _read_config_document(image: StoredImage) -> tuple[Any, dict[str, str]]:
    """Return the image's config as stored and its manifest's annotations, found as containers/image finds them."""
    # A manifest that is not JSON has no media type, and the schema 1 fallback below fails on it as
    # containers/image does, so one parse serves both the type guess and the reading.
    document = _parse_object(image, read_big_data(image, MANIFEST_KEY), "manifest")
    media_type = media_type_of(document)
    if media_type in _LISTS:
        instance = _choose_instance(image, document, media_type)
        key = f"{MANIFEST_KEY}-{instance}"
        try:
            blob = read_big_data(image, key)
        except MissingBigData:
            if key in image.big_data_names:
                raise
            # A list pulled or built without this machine's instance: containers/image then fails
            # to read the instance's manifest from the store.
            raise ImageError(
                f"image {image.id}: manifest list entry {instance} for this machine is not stored "
                f"(no big-data item '{key}'); pull the image again for this platform"
            ) from None
        _verify_digest(image, blob, instance, f"manifest {instance}")
        document = _parse_object(image, blob, f"manifest {instance}")
        media_type = media_type_of(document)
        if media_type in _LISTS:
            raise ImageError(f"image {image.id}: manifest {instance} is a manifest list inside a manifest list")

    if media_type in (DOCKER_SCHEMA2, OCI_MANIFEST):
        config = _config_from_blob(image, document)
    else:
        # NormalizedMIMEType treats every other type as a signed schema 1 manifest, the last resort.
        # NOTE: containers/image builds a schema 1 image's config from its whole history. criimages
        # decodes only the newest v1Compatibility entry, which carries the same config section and user.
        config = _config_from_schema1(image, document)

    annotations = _annotations(image, document) if media_type == OCI_MANIFEST else {}
    return config, annotations


def _annotations(image: StoredImage, manifest: Mapping[str, Any]) -> dict[str, str]:
    annotations = manifest.get("annotations")
    if annotations is None:
        return {}
    if not isinstance(annotations, dict) or not all(isinstance(value, str) for value in annotations.values()):
        raise ImageError(f"image {image.id}: manifest annotations are not an object of strings")
    return annotations


def _config_from_blob(image: StoredImage, manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    descriptor = manifest.get("config")
    digest = descriptor.get("digest") if isinstance(descriptor, dict) else None
    if not isinstance(digest, str) or not digest:
        raise ImageError(f"image {image.id}: manifest names no config digest")
    blob = read_big_data(image, digest)
    _verify_digest(image, blob, digest, f"config {digest}")
    return _parse_object(image, blob, f"config {digest}")


def _config_from_schema1(image: StoredImage, manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    if manifest.get("schemaVersion") != 1:
        version = manifest.get("schemaVersion")
        raise ImageError(f"image {image.id}: unsupported manifest (schema version {version!r}, media type {manifest.get('mediaType')!r})")
    history = manifest.get("history")
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        raise ImageError(f"image {image.id}: schema 1 manifest has no history to take the config from")
    compatibility = history[0].get("v1Compatibility")
    if not isinstance(compatibility, str):
        raise ImageError(f"image {image.id}: schema 1 manifest history has no v1Compatibility text")
    return _parse_object(image, compatibility.encode(), "schema 1 config")


def _choose_instance(image: StoredImage, index: Mapping[str, Any], media_type: str) -> str:
    """Return the digest of the index entry for this machine, as ChooseInstance does."""
    entries = index.get("manifests")
    if not isinstance(entries, list):
        entries = []

    best: tuple[int, int, int] | None = None
    chosen = ""
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):
            continue
        entry_platform = entry.get("platform") if isinstance(entry.get("platform"), dict) else {}
        candidate = Platform(
            str(entry_platform.get("os", "")),
            str(entry_platform.get("architecture", "")),
            str(entry_platform.get("variant", "")),
        )
        for rank, wanted in enumerate(wanted_platforms()):
            if candidate == wanted:
                annotations = entry.get("annotations") if isinstance(entry.get("annotations"), dict) else {}
                # An OCI index prefers gzip instances over zstd ones of the same platform.
                zstd = media_type == OCI_INDEX and annotations.get(_ZSTD_ANNOTATION) == "true"
                key = (rank, int(zstd), position)
                if best is None or key < best:
                    best, chosen = key, entry["digest"]
                break

    if not chosen:
        wanted = wanted_platforms()[0]
        raise ImageError(
            f"image {image.id}: no image found in manifest list for architecture {wanted.architecture}, "
            f"variant {wanted.variant!r}, OS {wanted.os}"
        )
    return chosen


def _verify_digest(image: StoredImage, blob: bytes, digest: str, what: str) -> None:
    algorithm, _, expected = digest.partition(":")
    if algorithm not in ("sha256", "sha384", "sha512"):
        raise ImageError(f"image {image.id}: {what} uses unsupported digest algorithm {algorithm!r}")
    actual = (hashlib.sha256(blob) if algorithm == "sha256" else hashlib.new(algorithm, blob)).hexdigest()
    if actual != expected:
        raise ImageError(f"image {image.id}: {what} does not match its digest (content hashes to {algorithm}:{actual})")


def _parse_object(image: StoredImage, blob: bytes, what: str) -> dict[str, Any]:
    # No integer of a manifest or an OCI config decides a check or reaches the output: sizes are
    # not read, schemaVersion is compared with 1 and 2, and a type error names any number "a
    # number". So an integer beyond 64 bits may come back as a float here. Only the message for
    # an unsupported schemaVersion would then show it, in float form.
    try:
        document = loads_json(blob, exact_integers=False)
    except (ValueError, RecursionError) as error:
        raise ImageError(f"image {image.id}: {what} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise ImageError(f"image {image.id}: {what} is not a JSON object")
    return document
