"""crictl's --filter conditions: positional before/since, dangling, reference as RE2."""

from __future__ import annotations

import pytest

from criimages.convert import CriImage
from criimages.cli.shared import split_filter_options
from criimages.filters import FilterError, apply_filters

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64


def image(image_id: str, tags=(), digests=()) -> CriImage:
    return CriImage(image_id * 64, tuple(tags), tuple(digests), 1, None, "", False)


A = image("a", ["docker.io/library/alpine:3.19"], [f"docker.io/library/alpine@{D1}"])
B = image("b", [], [f"quay.io/x/busybox@{D2}"])
C = image("c", ["localhost/test:latest", "quay.io/x/alpine:1"], [f"localhost/test@{D1}", f"quay.io/x/alpine@{D1}"])
D = image("d")
IMAGES = [A, B, C, D]


def ids(images) -> str:
    return "".join(image.id[0] for image in images)


def test_since_keeps_images_before_match() -> None:
    assert ids(apply_filters(IMAGES, ["since=localhost/test:latest"])) == "ab"


def test_before_keeps_images_after_match() -> None:
    assert ids(apply_filters(IMAGES, ["before=docker.io/library/alpine:3.19"])) == "bcd"


def test_since_compares_first_tag_pair_only() -> None:
    assert ids(apply_filters(IMAGES, ["since=quay.io/x/alpine:1"])) == "abcd"


def test_since_names_untagged_image_with_none_tag() -> None:
    assert ids(apply_filters(IMAGES, ["since=quay.io/x/busybox:<none>"])) == "a"


def test_since_by_id_prefix() -> None:
    assert ids(apply_filters(IMAGES, ["since=ccc"])) == "ab"


def test_since_by_digest_drops_images_without_digests() -> None:
    assert ids(apply_filters([D, A, B, C], [f"since=quay.io/x/busybox@{D2}"])) == "a"


def test_at_sign_without_colon_keeps_nothing() -> None:
    assert apply_filters(IMAGES, ["since=quay.io@x"]) == []


def test_unmatched_since_keeps_everything() -> None:
    assert ids(apply_filters(IMAGES, ["since=nothing:here"])) == "abcd"


@pytest.mark.parametrize(("value", "expected"), [("true", "bd"), ("false", "ac"), ("yes", ""), ("TRUE", "")])
def test_dangling_values(value: str, expected: str) -> None:
    assert ids(apply_filters(IMAGES, [f"dangling={value}"])) == expected


def test_reference_matches_first_repo_digest_repository() -> None:
    # C's second tag is quay.io/x/alpine, but its first repo digest is localhost/test.
    assert ids(apply_filters(IMAGES, ["reference=alpine"])) == "a"


def test_reference_is_unanchored_regular_expression() -> None:
    assert ids(apply_filters(IMAGES, ["reference=^quay\\.io/.*box$"])) == "b"


def test_reference_matches_none_for_image_without_digests() -> None:
    assert ids(apply_filters(IMAGES, ["reference=<none>"])) == "d"


def test_reference_accepts_re2_only_syntax() -> None:
    assert ids(apply_filters(IMAGES, ["reference=\\pL+/x/busy"])) == "b"


@pytest.mark.parametrize("pattern", ["*/library/*", "(?<=x)y", "a++", "a{2,1001}"])
def test_reference_rejects_what_re2_rejects(pattern: str) -> None:
    with pytest.raises(FilterError, match="invalid regular expression"):
        apply_filters(IMAGES, [f"reference={pattern}"])


def test_filters_apply_in_order() -> None:
    assert ids(apply_filters(IMAGES, ["dangling=false", "since=localhost/test:latest"])) == "a"


@pytest.mark.parametrize("condition", ["colour=blue", "dangling", "", "Dangling=true"])
def test_unknown_filter_fails(condition: str) -> None:
    with pytest.raises(FilterError, match="unknown filter flag"):
        apply_filters(IMAGES, [condition])


def test_filters_skip_empty_list() -> None:
    assert apply_filters([], ["colour=blue"]) == []


def test_filter_values_split_on_commas() -> None:
    assert split_filter_options(["dangling=true, reference=a,b", "since=x"]) == ["dangling=true", "reference=a", "b", "since=x"]
