"""Resolving a name given on the command line: IDs, qualified names, short names and registries.conf."""

from __future__ import annotations

from pathlib import Path

import pytest

from criimages.config import Settings, StoreConfig
from criimages.errors import ConfigError, InvalidReference
from criimages.lookup import ImageNotResolved, find_image, image_candidates, load_registries
from criimages.store import open_store
from tests.conftest import CONFORMANCE_STORE

DIGEST = "sha256:" + "a" * 64


def settings(tmp_path: Path, registries: str = "", mode: str | None = None) -> Settings:
    conf = tmp_path / "registries.conf"
    conf.write_text(registries)
    crio = {"crio": {"image": {"short_name_mode": mode}}} if mode else {}
    return Settings(store=StoreConfig(graph_root=CONFORMANCE_STORE, run_root=tmp_path, driver="vfs"), crio=crio, registries_conf=conf)


def candidates(tmp_path: Path, name: str, registries: str = "", mode: str | None = None) -> list[str]:
    return [str(c) for c in image_candidates(name, settings(tmp_path, registries, mode))]


def test_qualified_name_gets_latest(tmp_path: Path) -> None:
    assert candidates(tmp_path, "quay.io/x/app") == ["quay.io/x/app:latest"]


def test_localhost_name_is_qualified(tmp_path: Path) -> None:
    assert candidates(tmp_path, "localhost/test") == ["localhost/test:latest"]


def test_tag_is_dropped_beside_digest(tmp_path: Path) -> None:
    assert candidates(tmp_path, f"quay.io/x/app:1@{DIGEST}") == [f"quay.io/x/app@{DIGEST}"]


def test_short_name_without_search_registries_fails(tmp_path: Path) -> None:
    with pytest.raises(ImageNotResolved, match="no unqualified-search registries are defined"):
        candidates(tmp_path, "alpine")


def test_short_name_in_enforcing_mode_fails_when_ambiguous(tmp_path: Path) -> None:
    with pytest.raises(ImageNotResolved, match="short name mode is enforcing, but image name alpine returns ambiguous list"):
        candidates(tmp_path, "alpine", 'unqualified-search-registries = ["docker.io", "quay.io"]')


def test_short_name_with_one_registry_is_not_ambiguous(tmp_path: Path) -> None:
    assert candidates(tmp_path, "alpine:3.19", 'unqualified-search-registries = ["quay.io"]') == ["quay.io/alpine:3.19"]


def test_disabled_mode_tries_registries_in_order(tmp_path: Path) -> None:
    found = candidates(tmp_path, "example/app", 'unqualified-search-registries = ["docker.io", "quay.io"]', mode="disabled")

    assert found == ["docker.io/example/app:latest", "quay.io/example/app:latest"]


def test_alias_wins_over_search_registries(tmp_path: Path) -> None:
    registries = 'unqualified-search-registries = ["quay.io"]\n[aliases]\n"alpine" = "docker.io/library/alpine"\n'

    assert candidates(tmp_path, "alpine:3.19", registries) == ["docker.io/library/alpine:3.19"]


def test_version_1_search_registries(tmp_path: Path) -> None:
    assert candidates(tmp_path, "app", '[registries.search]\nregistries = ["quay.io"]\n') == ["quay.io/app:latest"]


def test_invalid_short_name_mode_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid short_name_mode 'sometimes'"):
        candidates(tmp_path, "alpine", 'unqualified-search-registries = ["a.io", "b.io"]', mode="sometimes")


def test_invalid_name_fails(tmp_path: Path) -> None:
    with pytest.raises(InvalidReference, match="invalid image name 'a b'"):
        candidates(tmp_path, "a b")


def test_drop_ins_replace_search_list_and_merge_aliases(tmp_path: Path) -> None:
    conf = tmp_path / "registries.conf"
    conf.write_text('unqualified-search-registries = ["a.io"]\n[aliases]\n"x" = "a.io/x"\n')
    (tmp_path / "registries.conf.d").mkdir()
    (tmp_path / "registries.conf.d" / "10.conf").write_text('unqualified-search-registries = ["b.io"]\n')
    (tmp_path / "registries.conf.d" / "20.conf").write_text('[aliases]\n"y" = "c.io/y"\n')
    (tmp_path / "registries.conf.d" / "30.txt").write_text('unqualified-search-registries = ["ignored.io"]\n')

    registries = load_registries(conf, {})

    assert registries.search == ("b.io",)
    assert registries.aliases == {"x": "a.io/x", "y": "c.io/y"}


def test_environment_names_registries_conf(tmp_path: Path) -> None:
    conf = tmp_path / "env-registries.conf"
    conf.write_text('unqualified-search-registries = ["env.io"]\n')

    assert load_registries(None, {"CONTAINERS_REGISTRIES_CONF": str(conf)}).search == ("env.io",)


def test_explicit_registries_conf_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_registries(tmp_path / "missing.conf", {})


def found_id(tmp_path: Path, text: str, registries: str = "") -> str | None:
    store = open_store(StoreConfig(graph_root=CONFORMANCE_STORE, run_root=tmp_path, driver="vfs"))
    result = find_image(store, text, settings(tmp_path, registries))
    return result.image.id[:12] if result else None


def test_find_by_full_id(tmp_path: Path) -> None:
    assert found_id(tmp_path, "afba01043a095c84175c365be11991f533f7bfee35b6ae9ba8c67b2e1bab80d9") == "afba01043a09"


def test_find_by_id_prefix(tmp_path: Path) -> None:
    assert found_id(tmp_path, "afb") == "afba01043a09"


def test_two_character_prefix_is_a_name(tmp_path: Path) -> None:
    with pytest.raises(ImageNotResolved):
        found_id(tmp_path, "af")


def test_unknown_hex_prefix_is_not_found(tmp_path: Path) -> None:
    assert found_id(tmp_path, "abcdef") is None


def test_unknown_full_id_is_not_found(tmp_path: Path) -> None:
    assert found_id(tmp_path, "b" * 64) is None


def test_find_by_digest_reference(tmp_path: Path) -> None:
    assert found_id(tmp_path, "docker.io/library/alpine@sha256:762a527f109fd110eaa41671cfa4e34232aa5b76d8b3a192e696f89257aa7b39") == "fa360c59c856"


def test_find_by_digest_of_same_repository(tmp_path: Path) -> None:
    # multiarch is stored only as multiarch:1.0; its index digest finds it through the digest list.
    assert found_id(tmp_path, "docker.io/library/multiarch@sha256:829d12376c619f69d0a7461aa95fcb8873dbcb3a50ce4bd1cd413227750ee81f") == "8f9289e32a02"


def test_digest_of_other_repository_is_not_found(tmp_path: Path) -> None:
    assert found_id(tmp_path, "quay.io/other/multiarch@sha256:829d12376c619f69d0a7461aa95fcb8873dbcb3a50ce4bd1cd413227750ee81f") is None


def test_find_short_name_through_search_registries(tmp_path: Path) -> None:
    assert found_id(tmp_path, "hello-world", 'unqualified-search-registries = ["quay.io/example"]') == "84278c3c1fc2"
