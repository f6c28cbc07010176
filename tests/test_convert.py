"""CRI-O's conversion rules: tags, repo digests, the PreviousName fallback, user and size."""

from __future__ import annotations

from pathlib import Path

import pytest

from criimages.config import StoreConfig
from criimages.convert import (
    compile_pinned_patterns,
    convert_image,
    convert_images,
    image_size,
    is_pinned,
    make_repo_digests,
    parse_names,
    previous_name,
    split_user,
)
from criimages.errors import ConfigError, ImageError
from criimages.store import Layer, Store, StoredImage, open_store
from tests.conftest import CONFORMANCE_STORE

IMAGE_DIGEST = "sha256:" + "1" * 64
INSTANCE_DIGEST = "sha256:" + "2" * 64
FOREIGN_DIGEST = "sha256:" + "3" * 64


def stored(names=(), history=(), digest=IMAGE_DIGEST, manifest_digests=None, top_layer="", sizes=None, metadata="") -> StoredImage:
    digests_by_key = {"manifest": digest} if manifest_digests is None else manifest_digests
    all_digests = tuple(dict.fromkeys([d for d in [digest, *digests_by_key.values()] if d]))
    return StoredImage(
        id="f" * 64,
        digest=digest,
        digests=all_digests,
        names=tuple(names),
        names_history=tuple(history),
        top_layer=top_layer,
        metadata=metadata,
        big_data_names=tuple(sizes or {}),
        big_data_sizes=dict(sizes or {}),
        big_data_digests=digests_by_key,
        images_dir=Path("/nonexistent"),
        read_only=False,
    )


def repo_digests_of(image: StoredImage) -> list[str]:
    tags, digested = parse_names(image)
    return sorted(make_repo_digests(image, tags, digested)[1])


def test_tags_and_digested_names_are_split() -> None:
    tags, digested = parse_names(stored(["nginx:1.25", f"nginx@{IMAGE_DIGEST}", f"quay.io/a/b:1@{IMAGE_DIGEST}"]))

    assert [str(t) for t in tags] == ["docker.io/library/nginx:1.25"]
    assert [str(d) for d in digested] == [f"docker.io/library/nginx@{IMAGE_DIGEST}", f"quay.io/a/b:1@{IMAGE_DIGEST}"]


def test_name_without_tag_or_digest_fails() -> None:
    with pytest.raises(ImageError, match="invalid name 'localhost/test' in image f{64}: it has neither a tag nor a digest"):
        parse_names(stored(["localhost/test"]))


def test_uppercase_name_fails_with_image_and_name() -> None:
    with pytest.raises(ImageError, match="invalid name 'localhost/Test:1' in image f{64}: .*must be lowercase"):
        parse_names(stored(["localhost/Test:1"]))


def test_repo_digests_cross_every_repository_with_every_digest() -> None:
    image = stored(["a.io/x:1", "b.io/y:2"], manifest_digests={"manifest": INSTANCE_DIGEST, f"manifest-{IMAGE_DIGEST}": IMAGE_DIGEST})

    assert repo_digests_of(image) == [
        f"a.io/x@{IMAGE_DIGEST}",
        f"a.io/x@{INSTANCE_DIGEST}",
        f"b.io/y@{IMAGE_DIGEST}",
        f"b.io/y@{INSTANCE_DIGEST}",
    ]


def test_foreign_digested_name_adds_its_repository() -> None:
    image = stored([f"quay.io/other/nginx@{FOREIGN_DIGEST}"])

    assert repo_digests_of(image) == [f"quay.io/other/nginx@{IMAGE_DIGEST}", f"quay.io/other/nginx@{FOREIGN_DIGEST}"]


def test_digested_name_stored_twice_stays_twice() -> None:
    name = f"quay.io/x/y@{IMAGE_DIGEST}"

    assert repo_digests_of(stored([name, name])) == [name, name]


def test_tag_and_digest_name_keeps_its_tag() -> None:
    image = stored([f"quay.io/x/y:1@{IMAGE_DIGEST}"])

    assert repo_digests_of(image) == [f"quay.io/x/y:1@{IMAGE_DIGEST}", f"quay.io/x/y@{IMAGE_DIGEST}"]


def test_no_digest_gives_only_digested_names() -> None:
    image = stored(["quay.io/x/y:1"], digest="", manifest_digests={})

    assert make_repo_digests(image, *parse_names(image)) == ("", [])


def test_previous_name_cuts_registry_port() -> None:
    assert previous_name(["localhost:5000/team/app:v1"]) == "localhost"


def test_previous_name_cuts_digest_algorithm() -> None:
    assert previous_name([f"docker.io/library/busybox@{IMAGE_DIGEST}"]) == "docker.io/library/busybox@sha256"


def test_previous_name_takes_newest_history_entry() -> None:
    assert previous_name(["localhost/new:1", "localhost/old:1"]) == "localhost/new"


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("", (None, "")),
        ("0", (0, "")),
        ("1000:1000", (1000, "")),
        ("-5", (-5, "")),
        ("+7", (7, "")),
        ("root", (None, "root")),
        ("nginx:nginx", (None, "nginx")),
        ("1e3", (None, "1e3")),
        ("９", (None, "９")),
        (str(2**63), (None, str(2**63))),
    ],
)
def test_split_user_follows_go_parse_int(user: str, expected: tuple) -> None:
    assert split_user(user) == expected


def test_size_adds_big_data_signatures_and_layer_chain() -> None:
    layers = {
        "top": Layer("top", "base", "sha256:t", "", 300),
        "base": Layer("base", "", "sha256:b", "", 4000),
    }
    store = Store(images=(), layers=layers, layer_names={}, driver="vfs")
    image = stored(top_layer="top", sizes={"manifest": 10, "sha256:c": 20}, metadata='{"signature-sizes":[5,6],"signatures-sizes":{"x":[100]}}')

    assert image_size(store, image) == 10 + 20 + 5 + 6 + 300 + 4000


def test_size_with_toc_digest_counts_zero() -> None:
    store = Store(images=(), layers={"l": Layer("l", "", "", "sha256:toc", -1)}, layer_names={}, driver="vfs")

    assert image_size(store, stored(top_layer="l")) == 0


def test_size_negative_without_toc_fails() -> None:
    store = Store(images=(), layers={"l": Layer("l", "", "sha256:d", "", -1)}, layer_names={}, driver="vfs")

    with pytest.raises(ImageError, match="size for layer 'l' is unknown"):
        image_size(store, stored(top_layer="l"))


def test_size_fails_on_missing_layer() -> None:
    store = Store(images=(), layers={}, layer_names={}, driver="vfs")

    with pytest.raises(ImageError, match="layer gone is not known to the store"):
        image_size(store, stored(top_layer="gone"))


def test_size_fails_on_parent_loop() -> None:
    layers = {"a": Layer("a", "b", "sha256:a", "", 1), "b": Layer("b", "a", "sha256:b", "", 1)}
    store = Store(images=(), layers=layers, layer_names={}, driver="vfs")

    with pytest.raises(ImageError, match="loops"):
        image_size(store, stored(top_layer="a"))


def test_size_fails_on_invalid_metadata() -> None:
    store = Store(images=(), layers={}, layer_names={}, driver="vfs")

    with pytest.raises(ImageError, match="metadata is not valid JSON"):
        image_size(store, stored(metadata="{"))


@pytest.mark.parametrize(
    ("pattern", "name", "pinned"),
    [
        ("registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9", True),
        ("registry.k8s.io/pause:3.9", "REGISTRY.k8s.io/Pause:3.9", True),
        ("registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9.1", False),
        ("registry.k8s.io/pause:3.9", "xregistry.k8s.io/pause:3.9", False),
        ("quay.io/example/*", "mirror.io/quay.io/example/app:1", True),
        ("*hello*", "quay.io/example/HELLO-world:latest", True),
        ("*hello*", "quay.io/example/pause:3.9", False),
        ("a.b:1", "axb:1", False),
    ],
)
def test_pinned_patterns_match_like_crio(pattern: str, name: str, pinned: bool) -> None:
    assert is_pinned([name], compile_pinned_patterns([pattern])) is pinned


def test_lone_star_pattern_is_rejected() -> None:
    with pytest.raises(ConfigError, match="pattern '\\*' is invalid"):
        compile_pinned_patterns(["*"])


def conformance_images() -> dict:
    store = open_store(StoreConfig(graph_root=CONFORMANCE_STORE, run_root=Path("/nonexistent"), driver="vfs"))
    return {image.id[:12]: image for image in convert_images(store)}


def test_dangling_image_falls_back_to_previous_name() -> None:
    image = conformance_images()["303fd7248c72"]

    assert image.repo_tags == ()
    assert image.repo_digests == ("docker.io/library/busybox@sha256:3a8c1e39a1fd27047c33a34027b93ed79a085175e081e478bf6fe117dedf40c2",)


def test_unnamed_image_has_no_repo_digests() -> None:
    image = conformance_images()["4a777964a742"]

    assert image.repo_tags == ()
    assert image.repo_digests == ()


def test_index_and_instance_digests_both_become_repo_digests() -> None:
    image = conformance_images()["8f9289e32a02"]

    assert image.repo_digests == (
        "docker.io/library/multiarch@sha256:829d12376c619f69d0a7461aa95fcb8873dbcb3a50ce4bd1cd413227750ee81f",
        "docker.io/library/multiarch@sha256:85877777583f2de9d9d2fd16860358896f09774b46444e08b6a13b0c739714d9",
    )


def test_size_matches_crio_on_conformance_store() -> None:
    images = conformance_images()

    assert images["afba01043a09"].size == 3807653
    assert images["fa360c59c856"].size == 2905888


def test_previous_name_is_not_used_when_names_exist() -> None:
    store = open_store(StoreConfig(graph_root=CONFORMANCE_STORE, run_root=Path("/nonexistent"), driver="vfs"))
    image = next(i for i in store.images if i.id.startswith("d155b670167e"))
    renamed = image._replace(names_history=("other/name:1",))

    assert convert_image(store, renamed).repo_digests[0].startswith("docker.io/library/busybox@")
