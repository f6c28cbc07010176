"""Decode an image config into the OCI image config, as Go's encoding/json fills image-spec's v1.Image.

containers/image's OCIConfig unmarshals the stored config (Docker or OCI) into the image-spec
v1.1 `Image` struct; CRI-O reads the user from it and `crictl inspecti` shows it. Decoding into
a typed struct drops unknown fields (Hostname, Healthcheck, container_config, ...), matches keys
case-insensitively, and fails on a value of the wrong JSON type, which fails CRI-O's listing.
The result keeps Go's struct field order and `omitempty` rules, so it marshals as CRI-O does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from criimages.errors import ImageError
from criimages.files import json_type

Decoder = Callable[[Any, str], Any]

# time.Time's JSON form: RFC 3339 with optional fractional seconds.
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})", re.ASCII)


class _TypeMismatch(Exception):
    def __init__(self, path: str, expected: str, value: Any) -> None:
        super().__init__(f"cannot decode {json_type(value)} into {path or 'the image config'} ({expected})")


def _string(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _TypeMismatch(path, "a string", value)
    return value


def _boolean(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _TypeMismatch(path, "a boolean", value)
    return value


def _strings(value: Any, path: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _TypeMismatch(path, "an array of strings", value)
    return [_string(item, f"{path}[{index}]") for index, item in enumerate(value)]


def _string_map(value: Any, path: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _TypeMismatch(path, "an object of strings", value)
    # Sorted, because Go's encoding/json writes map keys in sorted order.
    return {key: _string(value[key], f"{path}[{key!r}]") for key in sorted(value)}


def _empty_struct_map(value: Any, path: str) -> dict[str, dict] | None:
    # map[string]struct{}: each value must be an object (or null); its content is ignored.
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _TypeMismatch(path, "an object of objects", value)
    for key, item in value.items():
        if item is not None and not isinstance(item, dict):
            raise _TypeMismatch(f"{path}[{key!r}]", "an object", item)
    return {key: {} for key in sorted(value)}


def _time(value: Any, path: str) -> str | None:
    """Return the time as Go's time.Time marshals it (RFC 3339, trailing zeros of the fraction dropped)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _TypeMismatch(path, "an RFC 3339 time", value)
    match = _TIME.fullmatch(value)
    if match is None:
        raise _TypeMismatch(path, "an RFC 3339 time", value)
    seconds, fraction, zone = match.groups()
    fraction = (fraction or "").rstrip("0")
    if zone in ("+00:00", "-00:00"):
        zone = "Z"
    return seconds + ("." + fraction if fraction else "") + zone


def _struct(fields: tuple[tuple[str, Decoder, bool], ...]) -> Decoder:
    """Return a decoder for a Go struct given (JSON name, decoder, omitempty) per field, in field order."""

    def decode(value: Any, path: str) -> dict[str, Any]:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise _TypeMismatch(path, "an object", value)
        raw = _match_fields(value, [name for name, _, _ in fields])
        result: dict[str, Any] = {}
        for name, decoder, omit_empty in fields:
            decoded = decoder(raw.get(name), f"{path}.{name}" if path else name)
            if omit_empty and not decoded:
                continue
            result[name] = decoded
        return result

    return decode


def _list_of(decoder: Decoder) -> Decoder:
    def decode(value: Any, path: str) -> list[Any] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise _TypeMismatch(path, "an array", value)
        return [decoder(item, f"{path}[{index}]") for index, item in enumerate(value)]

    return decode


def _match_fields(document: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
    """Assign JSON keys to struct fields as encoding/json does: exact or case-insensitive, the last key wins."""
    by_folded = {name.lower(): name for name in names}
    matched: dict[str, Any] = {}
    for key, value in document.items():
        name = key if key in by_folded.values() else by_folded.get(key.lower())
        if name is not None:
            matched[name] = value
    return matched


# image-spec v1.1 specs-go/v1/config.go: ImageConfig, RootFS, History and Image with Platform embedded.
_IMAGE_CONFIG = _struct((
    ("User", _string, True),
    ("ExposedPorts", _empty_struct_map, True),
    ("Env", _strings, True),
    ("Entrypoint", _strings, True),
    ("Cmd", _strings, True),
    ("Volumes", _empty_struct_map, True),
    ("WorkingDir", _string, True),
    ("Labels", _string_map, True),
    ("StopSignal", _string, True),
    ("ArgsEscaped", _boolean, True),
))
_ROOT_FS = _struct((("type", _string, False), ("diff_ids", _strings, False)))
_HISTORY = _struct((
    ("created", _time, True),
    ("created_by", _string, True),
    ("author", _string, True),
    ("comment", _string, True),
    ("empty_layer", _boolean, True),
))
_IMAGE = _struct((
    ("created", _time, True),
    ("author", _string, True),
    ("architecture", _string, False),
    ("os", _string, False),
    ("os.version", _string, True),
    ("os.features", _strings, True),
    ("variant", _string, True),
    ("config", _IMAGE_CONFIG, False),
    ("rootfs", _ROOT_FS, False),
    ("history", _list_of(_HISTORY), True),
))


def decode_oci_image(config: Any, image_id: str) -> dict[str, Any]:
    """Return the OCI image config that Go decodes from config, in struct order; raises ImageError on a type mismatch."""
    try:
        return _IMAGE(config, "")
    except _TypeMismatch as error:
        raise ImageError(f"image {image_id}: invalid config: {error}") from None
