"""Name normalization and rejection with the docker reference grammar."""

from __future__ import annotations

import pytest

from criimages.errors import InvalidReference
from criimages.reference import Reference, parse_normalized, validate_digest

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("alpine", "docker.io/library/alpine", id="short-name"),
        pytest.param("alpine:3.19", "docker.io/library/alpine:3.19", id="short-name-tag"),
        pytest.param("library/alpine:3.19", "docker.io/library/alpine:3.19", id="library-prefix"),
        pytest.param("team/app:1", "docker.io/team/app:1", id="docker-hub-user"),
        pytest.param("index.docker.io/alpine:1", "docker.io/library/alpine:1", id="legacy-hub-domain"),
        pytest.param("localhost/test:latest", "localhost/test:latest", id="localhost"),
        pytest.param("localhost:5000/team/app:v1", "localhost:5000/team/app:v1", id="registry-port"),
        pytest.param("quay.io/example/pause:3.9", "quay.io/example/pause:3.9", id="qualified"),
        pytest.param("[fe80::1]:5000/app:1", "[fe80::1]:5000/app:1", id="ipv6-registry"),
        pytest.param("Registry.Example.COM/app:1", "Registry.Example.COM/app:1", id="uppercase-domain-kept"),
        pytest.param(f"nginx@{DIGEST}", f"docker.io/library/nginx@{DIGEST}", id="digest"),
        pytest.param(f"nginx:1.25@{DIGEST}", f"docker.io/library/nginx:1.25@{DIGEST}", id="tag-and-digest"),
        pytest.param("a__b-c_d---e/f.g:TAG_1.x-y", "docker.io/a__b-c_d---e/f.g:TAG_1.x-y", id="separators"),
        pytest.param("a.b/c:1", "a.b/c:1", id="dot-makes-domain"),
    ],
)
def test_parse_normalized_qualifies_name(name: str, expected: str) -> None:
    assert str(parse_normalized(name)) == expected


def test_parse_normalized_splits_parts() -> None:
    reference = parse_normalized(f"localhost:5000/app:v1@{DIGEST}")

    assert reference == Reference("localhost:5000/app", "v1", DIGEST)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("Alpine:3.19", "invalid reference format: repository name must be lowercase", id="uppercase-short"),
        pytest.param("quay.io/Example/app:1", "invalid reference format: repository name must be lowercase", id="uppercase-path"),
        pytest.param("Foo/bar:1", "invalid reference format: repository name must be lowercase", id="uppercase-first-component"),
        pytest.param("a" * 64, "cannot specify 64-byte hexadecimal strings", id="image-id"),
        pytest.param("app:", "invalid reference format", id="empty-tag"),
        pytest.param("app:-tag", "invalid reference format", id="tag-starts-with-dash"),
        pytest.param("app:" + "t" * 129, "invalid reference format", id="tag-too-long"),
        pytest.param("app name:1", "invalid reference format", id="space"),
        pytest.param("app//x:1", "invalid reference format", id="empty-component"),
        pytest.param("app-:1", "invalid reference format", id="trailing-separator"),
        pytest.param("app:1\n", "invalid reference format", id="trailing-newline"),
        pytest.param("", "invalid reference format", id="empty"),
        pytest.param("quay.io/" + "a" * 250 + ":1", "repository name must not be more than 255 characters", id="name-too-long"),
        pytest.param("app@sha256:" + "a" * 63, "invalid checksum digest length", id="short-digest"),
        pytest.param("app@md5:" + "a" * 32, "unsupported digest algorithm", id="unknown-algorithm"),
        pytest.param("app@sha256:" + "A" * 64, "invalid checksum digest format", id="uppercase-digest"),
        pytest.param("x" * 10_000, "invalid reference format", id="huge-input"),
    ],
)
def test_parse_normalized_rejects_invalid_name(name: str, message: str) -> None:
    with pytest.raises(InvalidReference) as caught:
        parse_normalized(name)

    assert message in str(caught.value)


def test_name_of_255_characters_is_accepted() -> None:
    name = "quay.io/" + "a" * (255 - len("quay.io/"))

    assert parse_normalized(name + ":1").repository == name


def test_sha512_digest_is_valid() -> None:
    assert validate_digest("sha512:" + "0" * 128) is None
