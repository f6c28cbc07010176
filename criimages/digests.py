"""Compute big-data digests the way containers/storage records them in images.json.

containers/storage digests an item whose key starts with "manifest" with containers/image's
manifest.Digest, and any other item over its plain bytes (images.go SetBigData). manifest.Digest
leaves the signatures out of a signed Docker schema 1 manifest: it hashes the payload that
libtrust's ParsePrettySignature (jsonsign.go) rebuilds from the manifest's protected headers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from typing import Any

from criimages.manifest import DOCKER_SCHEMA1_SIGNED, guess_media_type

# containers/storage ImageDigestManifestBigDataNamePrefix.
MANIFEST_KEY_PREFIX = "manifest"


def big_data_digest(key: str, data: bytes, algorithm: str = "sha256") -> str:
    """Return the digest "algorithm:hex" that containers/storage records for the big-data item key.

    Raises ValueError when a signed schema 1 manifest has no usable signature headers, because
    containers/image cannot digest it either.
    """
    content = data
    if key.startswith(MANIFEST_KEY_PREFIX) and guess_media_type(data) == DOCKER_SCHEMA1_SIGNED:
        content = signed_manifest_payload(data)
    return f"{algorithm}:{hashlib.new(algorithm, content).hexdigest()}"


def signed_manifest_payload(manifest: bytes) -> bytes:
    """Return the signed payload of a schema 1 manifest: its first formatLength bytes, then formatTail.

    libtrust requires every signature's protected header to give the same formatLength and
    formatTail, and raises an error otherwise. So does this function.
    """
    try:
        document = json.loads(manifest)
    except ValueError as error:
        raise ValueError(f"the signed manifest is not valid JSON: {error}") from None
    signatures = document.get("signatures") if isinstance(document, dict) else None
    if not isinstance(signatures, list):
        raise ValueError("the signatures of the signed manifest are not an array")

    format_length = 0
    format_tail = b""
    for signature in signatures:
        header = _protected_header(signature)
        length, tail = _format_fields(header)
        if format_length == 0:
            format_length = length
        elif length != format_length:
            raise ValueError("the signatures of the signed manifest have conflicting formatLength values")
        if not format_tail:
            format_tail = tail
        elif tail != format_tail:
            raise ValueError("the signatures of the signed manifest have conflicting formatTail values")

    if not 0 <= format_length <= len(manifest):
        raise ValueError(f"formatLength {format_length} is outside the {len(manifest)}-byte signed manifest")
    return manifest[:format_length] + format_tail


def _protected_header(signature: Any) -> dict[str, Any]:
    protected = signature.get("protected") if isinstance(signature, dict) else None
    if not isinstance(protected, str):
        raise ValueError("a signature of the signed manifest has no protected header")
    try:
        header = json.loads(_decode_base64url(protected))
    except ValueError as error:
        raise ValueError(f"a protected header of the signed manifest cannot be decoded: {error}") from None
    if not isinstance(header, dict):
        raise ValueError("a protected header of the signed manifest is not a JSON object")
    return header


def _format_fields(header: dict[str, Any]) -> tuple[int, bytes]:
    length = header.get("formatLength")
    # libtrust reads the JSON number as a float64 and truncates it to an int.
    if isinstance(length, bool) or not isinstance(length, (int, float)) or not math.isfinite(length):
        raise ValueError("a protected header of the signed manifest has no formatLength number")
    tail = header.get("formatTail")
    if not isinstance(tail, str):
        raise ValueError("a protected header of the signed manifest has no formatTail string")
    try:
        return int(length), _decode_base64url(tail)
    except ValueError as error:
        raise ValueError(f"the formatTail of the signed manifest cannot be decoded: {error}") from None


def _decode_base64url(text: str) -> bytes:
    """Decode unpadded base64url as libtrust's joseBase64UrlDecode does, ignoring spaces and newlines."""
    text = text.replace("\n", "").replace(" ", "")
    if len(text) % 4 == 1:
        raise ValueError("invalid base64url length")
    text += "=" * (-len(text) % 4)
    return base64.b64decode(text, altchars=b"-_", validate=True)
