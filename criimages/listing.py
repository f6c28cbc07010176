"""List a store's images as `crictl images` receives and orders them."""

from __future__ import annotations

from criimages.config import Settings
from criimages.convert import CriImage, compile_pinned_patterns, convert_images
from criimages.sorting import crictl_order
from criimages.store import DEFAULT_LOCK_TIMEOUT, open_store

# CRI-O's default pause image on Linux (pkg/config/config_linux.go), pinned when none is configured.
DEFAULT_PAUSE_IMAGE = "registry.k8s.io/pause:3.10.1"


def pinned_image_patterns(settings: Settings) -> list[str]:
    """Return CRI-O's pinned patterns: [crio.image] pinned_images followed by the pause image."""
    image_table = settings.crio.get("crio", {}).get("image", {})
    patterns = list(image_table.get("pinned_images", []))
    patterns.append(image_table.get("pause_image") or DEFAULT_PAUSE_IMAGE)
    return patterns


def list_images(settings: Settings, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> list[CriImage]:
    """Read the store, convert every image as CRI-O does and return them in crictl's order."""
    store = open_store(settings.store, lock_timeout)
    images = convert_images(store, compile_pinned_patterns(pinned_image_patterns(settings)))
    return crictl_order(images)
