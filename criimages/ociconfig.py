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

Decoder = Callable[[Any], Any]

# time.Time's JSON form: RFC 3339 with optional fractional seconds.
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})", re.ASCII)


class _TypeMismatch(Exception):
    """A value of the wrong JSON type; the path to it is collected while the error unwinds."""

    def __init__(self, expected: str, value: Any) -> None:
        super().__init__(expected)
        self.expected = expected
        self.value = value
        self.path: list[str] = []

    def inside(self, step: str) -> _TypeMismatch:
        self.path.insert(0, step)
        return self

    def describe(self) -> str:
        path = "".join(self.path).lstrip(".") or "the image config"
        return f"cannot decode {json_type(self.value)} into {path} ({self.expected})"


def _string(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        raise _TypeMismatch("a string", value)
    return value


def _boolean(value: Any) -> bool:
    if value is None:
        return False
    if type(value) is not bool:
        raise _TypeMismatch("a boolean", value)
    return value


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return None
    if type(value) is not list:
        raise _TypeMismatch("an array of strings", value)
    for index, item in enumerate(value):
        if type(item) is not str and item is not None:
            raise _TypeMismatch("a string", item).inside(f"[{index}]")
    return [item if item is not None else "" for item in value]


def _string_map(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise _TypeMismatch("an object of strings", value)
    for key, item in value.items():
        if type(item) is not str and item is not None:
            raise _TypeMismatch("a string", item).inside(f"[{key!r}]")
    # Sorted, because Go's encoding/json writes map keys in sorted order.
    return {key: value[key] or "" for key in sorted(value)}


def _empty_struct_map(value: Any) -> dict[str, dict] | None:
    # map[string]struct{}: each value must be an object (or null); its content is ignored.
    if value is None:
        return None
    if type(value) is not dict:
        raise _TypeMismatch("an object of objects", value)
    for key, item in value.items():
        if item is not None and type(item) is not dict:
            raise _TypeMismatch("an object", item).inside(f"[{key!r}]")
    return {key: {} for key in sorted(value)}


def _time(value: Any) -> str | None:
    """Return the time as Go's time.Time marshals it (RFC 3339, trailing zeros of the fraction dropped)."""
    if value is None:
        return None
    match = _TIME.fullmatch(value) if type(value) is str else None
    if match is None:
        raise _TypeMismatch("an RFC 3339 time", value)
    seconds, fraction, zone = match.groups()
    fraction = (fraction or "").rstrip("0")
    if zone in ("+00:00", "-00:00"):
        zone = "Z"
    return seconds + ("." + fraction if fraction else "") + zone


def _struct(fields: tuple[tuple[str, Decoder, bool], ...]) -> Decoder:
    """Return a decoder for a Go struct given (JSON name, decoder, omitempty) per field, in field order.

    Keys match fields as in encoding/json: exactly or ignoring case, and the last matching key wins.
    """
    names = {name for name, _, _ in fields}
    by_folded = {name.lower(): name for name in names}

    def decode(value: Any) -> dict[str, Any]:
        if value is None:
            value = {}
        if type(value) is not dict:
            raise _TypeMismatch("an object", value)
        raw: dict[str, Any] = {}
        for key, item in value.items():
            name = key if key in names else by_folded.get(key.lower())
            if name is not None:
                raw[name] = item

        result: dict[str, Any] = {}
        for name, decoder, omit_empty in fields:
            try:
                decoded = decoder(raw.get(name))
            except _TypeMismatch as error:
                raise error.inside(f".{name}") from None
            if omit_empty and not decoded:
                continue
            result[name] = decoded
        return result

    return decode


def _list_of(decoder: Decoder) -> Decoder:
    def decode(value: Any) -> list[Any] | None:
        if value is None:
            return None
        if type(value) is not list:
            raise _TypeMismatch("an array", value)
        decoded = []
        for index, item in enumerate(value):
            try:
                decoded.append(decoder(item))
            except _TypeMismatch as error:
                raise error.inside(f"[{index}]") from None
        return decoded

    return decode


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
        return _IMAGE(config)
    except _TypeMismatch as error:
        raise ImageError(f"image {image_id}: invalid config: {error.describe()}") from None


def _is_text(value: Any) -> bool:
    return value is None or type(value) is str


def _is_text_list(value: Any) -> bool:
    return value is None or (type(value) is list and all(item is None or type(item) is str for item in value))


def _is_time(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is not str:
        return False
    if value in _VALID_TIMES:
        return True
    if _TIME.fullmatch(value) is None:
        return False
    # Images built on one base share its history, so the same times recur image after image.
    if len(_VALID_TIMES) < _MAX_VALID_TIMES:
        _VALID_TIMES.add(value)
    return True


_VALID_TIMES: set[str] = set()
_MAX_VALID_TIMES = 4096


def _is_text_map(value: Any) -> bool:
    return value is None or (type(value) is dict and all(item is None or type(item) is str for item in value.values()))


def _is_object_map(value: Any) -> bool:
    return value is None or (type(value) is dict and all(item is None or type(item) is dict for item in value.values()))


def _checker(checks: dict[str, Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """Return a check that a JSON object decodes into the struct without a type error or a case-folded key."""
    folded = {name.lower() for name in checks}

    def check(value: Any) -> bool:
        if value is None:
            return True
        if type(value) is not dict:
            return False
        for key, item in value.items():
            test = checks.get(key)
            if test is None:
                if key.lower() in folded:
                    return False
            elif not test(item):
                return False
        return True

    return check


_CONFIG_OK = _checker({
    "User": _is_text, "ExposedPorts": _is_object_map, "Env": _is_text_list, "Entrypoint": _is_text_list,
    "Cmd": _is_text_list, "Volumes": _is_object_map, "WorkingDir": _is_text, "Labels": _is_text_map,
    "StopSignal": _is_text, "ArgsEscaped": lambda value: value is None or type(value) is bool,
})
_HISTORY_ENTRY_OK = _checker({
    "created": _is_time, "created_by": _is_text, "author": _is_text, "comment": _is_text,
    "empty_layer": lambda value: value is None or type(value) is bool,
})
_IMAGE_OK = _checker({
    "created": _is_time, "author": _is_text, "architecture": _is_text, "os": _is_text, "os.version": _is_text,
    "os.features": _is_text_list, "variant": _is_text, "config": _CONFIG_OK,
    "rootfs": _checker({"type": _is_text, "diff_ids": _is_text_list}),
    "history": lambda value: value is None or (type(value) is list and all(_HISTORY_ENTRY_OK(entry) for entry in value)),
})


def image_user(config: Any, image_id: str) -> str:
    """Return config.User of the OCI config that config decodes to, raising ImageError where decoding fails.

    The listing needs only the user. A config whose keys all match exactly and whose values all have
    the right types is therefore checked without building the decoded copy. Anything else goes
    through decode_oci_image, which gives the precise error.
    """
    if type(config) is dict and _IMAGE_OK(config):
        section = config.get("config")
        return (section.get("User") or "") if section else ""
    return decode_oci_image(config, image_id)["config"].get("User", "")
