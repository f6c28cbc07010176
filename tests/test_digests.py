"""Big-data digests as containers/storage records them, signed schema 1 manifests included."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from criimages.digests import big_data_digest, signed_manifest_payload


def encode_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign(payload: bytes, headers: list[dict] | None = None) -> bytes:
    """Return payload as libtrust's PrettySignature lays out a signed manifest: the signatures replace the closing brace."""
    format_length = len(payload) - 2
    if headers is None:
        headers = [{"formatLength": format_length, "formatTail": encode_base64url(payload[format_length:]), "time": "2016-01-01T00:00:00Z"}]
    signatures = [{"header": {"alg": "ES256"}, "signature": "c2lnbmF0dXJl", "protected": encode_base64url(json.dumps(header).encode())} for header in headers]
    return payload[:format_length] + b',\n   "signatures": ' + json.dumps(signatures, indent=3).encode() + b"\n}"


PAYLOAD = json.dumps({"schemaVersion": 1, "name": "library/app", "tag": "1", "architecture": "amd64", "fsLayers": [], "history": []}, indent=3).encode()


def test_signed_manifest_digest_covers_payload_only() -> None:
    signed = sign(PAYLOAD)

    assert big_data_digest("manifest", signed) == "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()


def test_signed_manifest_payload_rebuilds_closing_brace() -> None:
    assert signed_manifest_payload(sign(PAYLOAD)) == PAYLOAD


def test_signed_manifest_under_other_key_hashes_all_bytes() -> None:
    signed = sign(PAYLOAD)

    assert big_data_digest("signature-abc", signed) == "sha256:" + hashlib.sha256(signed).hexdigest()


def test_unsigned_manifest_hashes_all_bytes() -> None:
    assert big_data_digest("manifest", PAYLOAD, "sha512") == "sha512:" + hashlib.sha512(PAYLOAD).hexdigest()


def test_two_signatures_with_same_format_agree() -> None:
    format_length = len(PAYLOAD) - 2
    header = {"formatLength": format_length, "formatTail": encode_base64url(b"\n}")}

    assert signed_manifest_payload(sign(PAYLOAD, [header, dict(header)])) == PAYLOAD


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        pytest.param([{"formatLength": 10, "formatTail": "Cn0"}, {"formatLength": 11, "formatTail": "Cn0"}], "conflicting formatLength", id="length-conflict"),
        pytest.param([{"formatLength": 10, "formatTail": "Cn0"}, {"formatLength": 10, "formatTail": "fQ"}], "conflicting formatTail", id="tail-conflict"),
        pytest.param([{"formatTail": "Cn0"}], "no formatLength", id="no-length"),
        pytest.param([{"formatLength": 10}], "no formatTail", id="no-tail"),
        pytest.param([{"formatLength": 10**9, "formatTail": "Cn0"}], "outside the", id="length-too-large"),
        pytest.param([{"formatLength": 10, "formatTail": "C"}], "cannot be decoded", id="bad-base64"),
    ],
)
def test_unusable_signature_headers_raise(headers: list[dict], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        big_data_digest("manifest", sign(PAYLOAD, headers))
