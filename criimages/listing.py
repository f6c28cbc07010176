"""Gather a store's images the way `crictl images`, `crictl inspecti` and the kubelet receive them."""

from collections.abc import Sequence
from typing import NamedTuple

from criimages.config import Settings
from criimages.convert import (
    CriImage,
    SkippedImage,
    compile_pinned_patterns,
    convert_image,
    convert_images,
    convert_or_skip,
    convert_store,
    record_skip,
)
from criimages.errors import CriimagesError
from criimages.manifest import ImageConfig, read_image_config
from criimages.sorting import crictl_order
from criimages.store import DEFAULT_LOCK_TIMEOUT, open_store

# CRI-O's default pause image on Linux (pkg/config/config_linux.go), pinned when none is configured.
DEFAULT_PAUSE_IMAGE = "registry.k8s.io/pause:3.10.1"


class ImageNotFound(CriimagesError):
    """An image named for inspection that the store does not hold."""


class ImageStatus(NamedTuple):
    """The reply of CRI-O's ImageStatus for one image: the image, its OCI config and annotations."""

    image: CriImage
    config: ImageConfig


def pinned_image_patterns(settings: Settings) -> list[str]:
    """Return CRI-O's pinned patterns: [crio.image] pinned_images followed by the pause image."""
    image_table = settings.crio.get("crio", {}).get("image", {})
    patterns = list(image_table.get("pinned_images", []))
    patterns.append(image_table.get("pause_image") or DEFAULT_PAUSE_IMAGE)
    return patterns


def list_images(
    settings: Settings,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    name: str = "",
    filters: Sequence[str] = (),
    skipped: list[SkippedImage] | None = None,
) -> list[CriImage]:
    """Return the images `crictl images [NAME] [--filter ...]` prints, in its order.

    Without a name CRI-O converts every image, and one it cannot convert fails the listing unless
    skipped is given (see convert_images). With a name it converts only the image the name
    resolves to, if any.
    """
    patterns = compile_pinned_patterns(pinned_image_patterns(settings))
    if name:
        from criimages.lookup import find_image

        store = open_store(settings.store, lock_timeout)
        found = find_image(store, name, settings)
        converted = convert_or_skip(store, found.image, patterns, skipped, found.digest) if found else None
        images = [converted] if converted else []
    else:
        images = convert_store(settings.store, lock_timeout, patterns, skipped)
    images = crictl_order(images)
    if filters:
        from criimages.filters import apply_filters

        images = apply_filters(images, filters)
    return images


def inspect_images(
    settings: Settings,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    names: Sequence[str] = (),
    skipped: list[SkippedImage] | None = None,
) -> list[ImageStatus]:
    """Return the status of each named image, or of every image in crictl's order when none is named."""
    store = open_store(settings.store, lock_timeout)
    patterns = compile_pinned_patterns(pinned_image_patterns(settings))
    if names:
        from criimages.lookup import find_image

        stored = []
        for name in names:
            found = find_image(store, name, settings)
            if found is None:
                raise ImageNotFound(f"no such image {name!r} present")
            stored.append(found.image)
    else:
        order = {image.id: image for image in reversed(store.images)}
        listed = crictl_order(convert_images(store, patterns, skipped))
        stored = [order[image.id] for image in listed]
    statuses = []
    for image in stored:
        try:
            converted = convert_image(store, image, patterns, previous_name_fallback=False)
            statuses.append(ImageStatus(image=converted, config=read_image_config(store.data_owner(image))))
        except CriimagesError as error:
            record_skip(skipped, image.id, error)
    return statuses


def node_images(
    settings: Settings,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    max_images: int = 50,
    skipped: list[SkippedImage] | None = None,
) -> list[CriImage]:
    """Return the images the kubelet reports in the node status: largest first, at most max_images.

    The kubelet sorts by size descending, then ID descending (ByImageSize in pkg/kubelet/util/
    sliceutils), and keeps the first nodeStatusMaxImages; a negative cap keeps all.
    """
    images = convert_store(settings.store, lock_timeout, compile_pinned_patterns(pinned_image_patterns(settings)), skipped)
    # NOTE: the kubelet's sort.Sort is not stable. Two records of one image ID (the same image in
    # two image stores) keep their store order here, and the kubelet may order them otherwise.
    images.sort(key=lambda image: (image.size, image.id), reverse=True)
    if 0 <= max_images < len(images):
        images = images[:max_images]
    return images
