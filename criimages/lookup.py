"""Find the one image that a name or ID given on the command line refers to, as CRI-O's ImageStatus does.

The rules are CRI-O's `storageImageStatus` (server/image_status.go) with containers/image's
`pkg/shortnames.Resolve` and its storage transport's `resolveImage`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from criimages.config import Settings, read_toml
from criimages.errors import ConfigError, InvalidReference
from criimages.files import list_directory
from criimages.reference import Reference, is_image_id, parse, parse_normalized
from criimages.store import Store, StoredImage

SYSTEM_REGISTRIES_CONF = Path("/etc/containers/registries.conf")
# CRI-O's short_name_mode values; it runs as a daemon without a terminal, so it never prompts.
SHORT_NAME_MODES = ("enforcing", "disabled", "permissive")
DEFAULT_SHORT_NAME_MODE = "enforcing"

_HEX_PREFIX = re.compile(r"[a-f0-9]{3,}")


@dataclass(frozen=True, slots=True)
class Registries:
    """The short-name settings of registries.conf and its drop-ins."""

    search: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    source: str = ""


class ImageNotResolved(ConfigError):
    """A name that CRI-O cannot turn into candidates, such as a short name without search registries."""


def load_registries(explicit: Path | None, environ: Mapping[str, str] = os.environ) -> Registries:
    """Read registries.conf (v2 or v1 format) and the *.conf drop-ins of the registries.conf.d folder beside it.

    The file is --registries-conf, else $CONTAINERS_REGISTRIES_CONF, else /etc/containers/registries.conf.
    A later drop-in's unqualified-search-registries replaces the earlier list; aliases are merged.
    """
    path = explicit or (Path(environ["CONTAINERS_REGISTRIES_CONF"]) if environ.get("CONTAINERS_REGISTRIES_CONF") else SYSTEM_REGISTRIES_CONF)
    files = [path]
    drop_ins = list_directory(path.parent / "registries.conf.d", ConfigError, "registries drop-in directory") or []
    files += [entry for entry in drop_ins if entry.name.endswith(".conf") and entry.is_file()]

    search: list[str] | None = None
    aliases: dict[str, str] = {}
    source = ""
    for file in files:
        document = read_toml(file, missing_ok=file == path and explicit is None)
        found = _search_registries(document, file)
        if found is not None:
            search, source = found, str(file)
        table = document.get("aliases", {})
        if not isinstance(table, dict) or not all(isinstance(value, str) for value in table.values()):
            raise ConfigError(f"invalid configuration in '{file}': [aliases] must map names to strings")
        aliases.update(table)
    return Registries(search=tuple(search or ()), aliases=aliases, source=source or str(path))


def _search_registries(document: Mapping[str, Any], file: Path) -> list[str] | None:
    value = document.get("unqualified-search-registries")
    if value is None:
        # Version 1 of the format: [registries.search] registries = [...].
        value = document.get("registries", {}).get("search", {}).get("registries") if isinstance(document.get("registries"), dict) else None
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"invalid configuration in '{file}': unqualified-search-registries must be a list of strings")
    return value


def short_name_mode(settings: Settings) -> str:
    """Return CRI-O's [crio.image] short_name_mode."""
    mode = settings.crio.get("crio", {}).get("image", {}).get("short_name_mode") or DEFAULT_SHORT_NAME_MODE
    if mode not in SHORT_NAME_MODES:
        raise ConfigError(f"invalid short_name_mode {mode!r} in the CRI-O configuration: expected enforcing or disabled")
    return mode


@dataclass(frozen=True, slots=True)
class Resolution:
    """The image a name refers to, and the digest CRI-O reports for it on this path."""

    image: StoredImage
    digest: str


def find_image(store: Store, text: str, settings: Settings) -> Resolution | None:
    """Return the stored image that text names (full ID, ID prefix, or name), or None when there is none."""
    by_id = _find_by_id(store, text)
    if by_id is not None or is_image_id(text):
        return _resolution(by_id) if by_id is not None else None

    try:
        candidates = image_candidates(text, settings)
    except (InvalidReference, ImageNotResolved):
        # CRI-O treats a hex string that is no valid name as an ID prefix that matched nothing.
        if _HEX_PREFIX.fullmatch(text):
            return None
        raise
    for candidate in candidates:
        image = _find_by_name(store, candidate)
        if image is not None:
            return _resolution(image, candidate.digest)
    return None


def image_candidates(text: str, settings: Settings) -> list[Reference]:
    """Return the fully qualified names a possibly short name may mean, in the order CRI-O tries them."""
    try:
        unnormalized = parse(text)
    except InvalidReference as error:
        raise InvalidReference(f"invalid image name {text!r}: {error}") from None
    domain = _parsed_domain(unnormalized.repository)
    if "." in domain or ":" in domain or domain == "localhost":
        return [_with_default_tag(parse_normalized(text))]

    registries = load_registries(settings.registries_conf)
    alias = registries.aliases.get(unnormalized.repository)
    if alias is not None:
        target = parse_normalized(alias)
        return [_with_default_tag(Reference(target.repository, unnormalized.tag, unnormalized.digest))]
    if not registries.search:
        raise ImageNotResolved(
            f"short name {text!r} did not resolve to an alias and no unqualified-search registries are defined in '{registries.source}'"
        )

    candidates = [_with_default_tag(parse_normalized(f"{registry}/{text}")) for registry in registries.search]
    if len(candidates) > 1 and short_name_mode(settings) == "enforcing":
        listed = ", ".join(str(candidate) for candidate in candidates)
        raise ImageNotResolved(
            f"short name mode is enforcing, but image name {text} returns ambiguous list ({listed}); give a fully qualified name"
        )
    return candidates


def _parsed_domain(name: str) -> str:
    # The domain docker/reference's Parse finds: a first component followed by "/" that fits the domain grammar.
    first, separator, _ = name.partition("/")
    return first if separator else ""


def _with_default_tag(reference: Reference) -> Reference:
    # CRI-O drops the tag of a "name:tag@digest" reference, and TagNameOnly adds ":latest" to a bare name.
    if reference.digest:
        return Reference(reference.repository, "", reference.digest)
    if not reference.tag:
        return Reference(reference.repository, "latest")
    return reference


def _find_by_id(store: Store, text: str) -> StoredImage | None:
    """Look text up as a full ID or an unambiguous ID prefix of 3 or more characters."""
    if is_image_id(text):
        return next((image for image in store.images if image.id == text), None)
    if len(text) < 3:
        return None
    matches = {image.id for image in store.images if image.id.startswith(text)}
    if len(matches) != 1:
        return None
    found = matches.pop()
    return next(image for image in store.images if image.id == found)


def _find_by_name(store: Store, candidate: Reference) -> StoredImage | None:
    """Find the image for one candidate as containers/image's resolveImage does."""
    wanted = str(candidate)
    for image in store.images:
        if wanted in image.names:
            return image
    if candidate.digest:
        for image in store.images:
            if candidate.digest in image.digests and _matches_repository(image, candidate.repository):
                return image
    return None


def _matches_repository(image: StoredImage, repository: str) -> bool:
    for name in image.names:
        try:
            if parse_normalized(name).repository == repository:
                return True
        except InvalidReference:
            continue
    return False


def _resolution(image: StoredImage, requested_digest: str = "") -> Resolution:
    # resolveImage reports the digest of the "manifest" item, or the requested one when the image has it.
    digest = image.big_data_digests.get("manifest", image.digest)
    if requested_digest and requested_digest in image.digests:
        digest = requested_digest
    return Resolution(image, digest)

