"""Shared fixtures: paths to the committed stores and one CliRunner that runs criimages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from criimages.cli import group

FIXTURES = Path(__file__).parent / "fixtures"
CONFORMANCE = FIXTURES / "conformance"
MAIN_SET = CONFORMANCE / "main"
# Both conformance sets were captured on the same store, committed once under main/.
CONFORMANCE_STORE = MAIN_SET / "store"
BUILT_STORES = FIXTURES / "stores"


def isolated_options(root: Path, tmp_path: Path, set_dir: Path | None = None, driver: str | None = "vfs") -> list[str]:
    """Return global options that point criimages at root and at no configuration of this machine."""
    storage_conf = tmp_path / "storage.conf"
    if not storage_conf.exists():
        storage_conf.write_text(f'[storage]\ngraphroot = "{root}"\nrunroot = "{tmp_path / "run"}"\n')
    options = ["--storage-conf", str(storage_conf), "--root", str(root)]
    if driver:
        options += ["--storage-driver", driver]
    if set_dir is not None:
        options += [
            "--crio-config", str(set_dir / "crio.conf"),
            "--crio-config-dir", str(set_dir / "crio.conf.d"),
            "--registries-conf", str(set_dir / "registries.conf"),
        ]
    else:
        empty_crio_conf = tmp_path / "empty-crio.conf"
        empty_crio_conf.touch()
        options += ["--crio-config", str(empty_crio_conf), "--crio-config-dir", str(tmp_path / "no-crio.conf.d")]
    return options


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run criimages with the given arguments and return click's Result (stdout and stderr apart)."""
    for variable in ("CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "STORAGE_DRIVER", "STORAGE_OPTS"):
        monkeypatch.delenv(variable, raising=False)
    runner = CliRunner()

    def run(*arguments: str) -> Result:
        return runner.invoke(group, list(arguments), catch_exceptions=False)

    return run


@pytest.fixture
def store_copy(tmp_path: Path) -> Callable[[Path], Path]:
    """Copy a committed store into tmp_path so that a test can break it; returns the copy's root."""

    def copy(source: Path) -> Path:
        target = tmp_path / "store"
        shutil.copytree(source, target)
        for path in [target, *target.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        return target

    return copy


def edit_images_json(root: Path, edit: Callable[[list], object], driver: str = "vfs") -> None:
    """Rewrite root's images.json with edit applied to the parsed list."""
    path = root / f"{driver}-images" / "images.json"
    records = json.loads(path.read_text())
    edit(records)
    path.write_text(json.dumps(records))
