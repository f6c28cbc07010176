"""Listing the synthetic stores that bench/generate_store.py writes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import isolated_options

GENERATOR = Path(__file__).resolve().parent.parent / "bench" / "generate_store.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_store", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "root"
    load_generator().generate(root, 10_000, seed=7)
    return root


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generator = load_generator()
    generator.generate(tmp_path / "a", 50, seed=3)
    generator.generate(tmp_path / "b", 50, seed=3)

    assert (tmp_path / "a/vfs-images/images.json").read_bytes() == (tmp_path / "b/vfs-images/images.json").read_bytes()
    assert (tmp_path / "a/vfs-layers/layers.json").read_bytes() == (tmp_path / "b/vfs-layers/layers.json").read_bytes()


def test_lists_10000_images(invoke, large_store: Path, tmp_path: Path) -> None:
    records = json.loads((large_store / "vfs-images" / "images.json").read_text())
    rows_expected = sum(max(1, len([n for n in r.get("names", []) if "@" not in n])) for r in records)

    result = invoke(*isolated_options(large_store, tmp_path), "list", "--digests")

    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result.stderr
    assert lines[0].split() == ["IMAGE", "TAG", "DIGEST", "IMAGE", "ID", "SIZE"]
    assert len(lines) - 1 == rows_expected


def test_quiet_lists_every_image_once(invoke, large_store: Path, tmp_path: Path) -> None:
    records = json.loads((large_store / "vfs-images" / "images.json").read_text())

    result = invoke(*isolated_options(large_store, tmp_path), "list", "-q")

    ids = result.stdout.split()
    assert result.exit_code == 0, result.stderr
    assert len(ids) == 10_000
    assert sorted(ids) == sorted(r["id"] for r in records)
