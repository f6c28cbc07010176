"""Finding the store: storage.conf, then crio.conf and its drop-ins, then the command-line options."""

from __future__ import annotations

from pathlib import Path

import pytest

from criimages.config import Options, load_settings
from criimages.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "storage": write(tmp_path / "storage.conf", '[storage]\ndriver = "overlay"\ngraphroot = "/from/storage"\nrunroot = "/run/storage"\n'
                         '[storage.options]\nadditionalimagestores = ["/extra/one"]\n'),
        "crio": tmp_path / "crio.conf",
        "dropins": tmp_path / "crio.conf.d",
    }


def settings(files: dict[str, Path], environ: dict[str, str] | None = None, **overrides):
    options = Options(storage_conf=files["storage"], crio_config=files["crio"], crio_config_dir=files["dropins"], **overrides)
    return load_settings(options, environ or {})


def test_storage_conf_gives_root_driver_and_additional_stores(files) -> None:
    store = settings(files).store

    assert store.graph_root == Path("/from/storage")
    assert store.run_root == Path("/run/storage")
    assert store.driver == "overlay"
    assert store.additional_image_stores == (Path("/extra/one"),)


def test_crio_conf_overrides_storage_conf(files) -> None:
    write(files["crio"], '[crio]\nroot = "/from/crio"\nstorage_driver = "vfs"\n')

    store = settings(files).store

    assert store.graph_root == Path("/from/crio")
    assert store.driver == "vfs"


def test_later_drop_in_overrides_earlier(files) -> None:
    write(files["crio"], '[crio]\nroot = "/from/crio"\n')
    write(files["dropins"] / "20-b.conf", '[crio]\nroot = "/from/b"\n')
    write(files["dropins"] / "10-a.conf", '[crio]\nroot = "/from/a"\nstorage_driver = "btrfs"\n')

    store = settings(files).store

    assert store.graph_root == Path("/from/b")
    assert store.driver == "btrfs"


def test_drop_in_list_replaces_main_list(files) -> None:
    write(files["crio"], '[crio.image]\npinned_images = ["a", "b"]\npause_image = "p:1"\n')
    write(files["dropins"] / "01.conf", '[crio.image]\npinned_images = ["c"]\n')

    image_table = settings(files).crio["crio"]["image"]

    assert image_table["pinned_images"] == ["c"]
    assert image_table["pause_image"] == "p:1"


def test_options_override_everything(files) -> None:
    write(files["crio"], '[crio]\nroot = "/from/crio"\nstorage_driver = "vfs"\n')

    store = settings(files, root=Path("/from/option"), storage_driver="zfs").store

    assert store.graph_root == Path("/from/option")
    assert store.driver == "zfs"


def test_root_option_keeps_additional_stores(files) -> None:
    store = settings(files, root=Path("/from/option")).store

    assert store.additional_image_stores == (Path("/extra/one"),)


def test_overlay2_means_overlay(files) -> None:
    assert settings(files, storage_driver="overlay2").store.driver == "overlay"


def test_storage_option_adds_image_stores(files) -> None:
    write(files["crio"], '[crio]\nstorage_option = ["overlay.imagestore=/a,/b", "overlay.mountopt=nodev", "additionalimagestore=/c"]\n')

    store = settings(files).store

    assert store.additional_image_stores == (Path("/extra/one"), Path("/a"), Path("/b"), Path("/c"))


def test_storage_driver_environment_overrides_file(files) -> None:
    assert settings(files, {"STORAGE_DRIVER": "btrfs"}).store.driver == "btrfs"


def test_environment_names_storage_conf(tmp_path: Path) -> None:
    conf = write(tmp_path / "env.conf", '[storage]\ngraphroot = "/from/env"\n')
    options = Options(crio_config=tmp_path / "none.conf", crio_config_dir=tmp_path / "none.d")

    store = load_settings(options, {"CONTAINERS_STORAGE_CONF": str(conf)}).store

    assert store.graph_root == Path("/from/env")


def test_no_files_give_default_paths(tmp_path: Path) -> None:
    options = Options(storage_conf=None, crio_config=tmp_path / "none.conf", crio_config_dir=tmp_path / "none.d")

    store = load_settings(options, {"CONTAINERS_STORAGE_CONF": str(write(tmp_path / "empty.conf", ""))}).store

    assert store.graph_root == Path("/var/lib/containers/storage")
    assert store.run_root == Path("/run/containers/storage")
    assert store.driver is None


def test_imagestore_equal_to_graphroot_is_ignored(files) -> None:
    write(files["crio"], '[crio]\nimagestore = "/from/storage"\n')

    assert settings(files).store.image_store is None


def test_invalid_toml_names_file(files) -> None:
    write(files["crio"], "[crio\nroot = 1\n")

    with pytest.raises(ConfigError, match=f"invalid TOML in '{files['crio']}'"):
        settings(files)


def test_wrong_value_type_names_key(files) -> None:
    write(files["crio"], "[crio]\nroot = 5\n")

    with pytest.raises(ConfigError, match="root must be a string, not 5"):
        settings(files)


def test_explicit_storage_conf_must_exist(tmp_path: Path) -> None:
    options = Options(storage_conf=tmp_path / "missing.conf", crio_config=tmp_path / "c", crio_config_dir=tmp_path / "d")

    with pytest.raises(ConfigError, match="storage.conf '.*missing.conf' given with --storage-conf not found"):
        load_settings(options, {})


def test_drop_in_dir_that_is_a_file_fails(files) -> None:
    write(files["dropins"], "")

    with pytest.raises(ConfigError, match="is not a directory"):
        settings(files)
