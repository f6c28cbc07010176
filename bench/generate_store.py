#!/usr/bin/env python3
"""Write a synthetic containers/storage store (vfs driver) in the real on-disk format.

The store is shaped like a busy node: about 40 % tagged images (1 to 3 tags, some in a second
repository), 25 % digest-only, 20 % dangling with names-history and 15 % nameless. Images share
about 200 base chains of 1 to 4 layers, and most add one layer of their own. Each image has an OCI
config (with a User) and an OCI manifest stored as big data, with recorded sizes and digests.
Layer contents are not written: a reader of the store never needs them.

Usage: generate_store.py --images N [--seed S] ROOT
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
from pathlib import Path

DRIVER = "vfs"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
REGISTRIES = ("docker.io/library", "quay.io/example", "registry.k8s.io", "localhost", "registry.example.internal:5000/team")
USERS = ("", "0", "1000:1000", "nginx", "65532", "root:root")


def big_data_file_name(key: str) -> str:
    # containers/storage keeps keys made of [.0-9a-z] as they are and base64-encodes the rest.
    if all(c in ".0123456789abcdefghijklmnopqrstuvwxyz" for c in key):
        return key
    return "=" + base64.standard_b64encode(key.encode()).decode()


def _random_hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _make_layers(rng: random.Random, chain_count: int) -> tuple[list[dict], list[list[str]]]:
    layers: list[dict] = []
    chains: list[list[str]] = []
    for _ in range(chain_count):
        parent = ""
        chain = []
        for _ in range(rng.randint(1, 4)):
            layers.append(_layer(rng, parent))
            parent = layers[-1]["id"]
            chain.append(parent)
        chains.append(chain)
    return layers, chains


def _layer(rng: random.Random, parent: str) -> dict:
    diff = _random_hex(rng)
    size = rng.randint(1_000, 80_000_000)
    record = {
        "id": diff,
        "created": "2026-01-01T00:00:00Z",
        "compressed-diff-digest": "sha256:" + _random_hex(rng),
        "compressed-size": size // 2,
        "diff-digest": "sha256:" + diff,
        "diff-size": size,
        "compression": 2,
        "uidset": [0],
        "gidset": [0],
    }
    if parent:
        record["parent"] = parent
    return record


def _names(rng: random.Random, index: int, manifest_digest: str) -> tuple[list[str], list[str]]:
    """Return (names, names-history) for one image of the given kind mix."""
    kind = rng.random()
    repository = f"{rng.choice(REGISTRIES)}/app{index % 997}"
    if kind < 0.40:
        names = [f"{repository}:v{index}.{n}" for n in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            names.append(f"{rng.choice(REGISTRIES)}/mirror{index % 89}:v{index}")
        return names, list(reversed(names))
    if kind < 0.65:
        name = f"{repository}@{manifest_digest}"
        return [name], [name]
    if kind < 0.85:
        return [], [f"{repository}:old{index}"]
    return [], []


def generate(root: Path, image_count: int, seed: int = 1) -> None:
    """Write a store of image_count images under root/vfs-images and root/vfs-layers."""
    rng = random.Random(seed)
    images_dir = root / f"{DRIVER}-images"
    layers_dir = root / f"{DRIVER}-layers"
    images_dir.mkdir(parents=True, exist_ok=True)
    layers_dir.mkdir(parents=True, exist_ok=True)

    layers, chains = _make_layers(rng, min(200, max(1, image_count // 5)))
    layers_by_id = {layer["id"]: layer for layer in layers}
    images = []
    for index in range(image_count):
        chain = list(rng.choice(chains))
        if rng.random() < 0.9:
            layers.append(_layer(rng, chain[-1]))
            layers_by_id[layers[-1]["id"]] = layers[-1]
            chain.append(layers[-1]["id"])

        config = {
            "created": "2026-01-01T00:00:00Z",
            "architecture": "amd64",
            "os": "linux",
            "config": {"User": rng.choice(USERS), "Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": [layers_by_id[layer_id]["diff-digest"] for layer_id in chain]},
            "history": [{"created": "2026-01-01T00:00:00Z", "created_by": f"synthetic image {index}"}],
        }
        config_blob = json.dumps(config, separators=(",", ":")).encode()
        config_digest = "sha256:" + hashlib.sha256(config_blob).hexdigest()
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config_blob)},
            "layers": [
                {"mediaType": OCI_LAYER, "digest": layers_by_id[layer_id]["compressed-diff-digest"], "size": layers_by_id[layer_id]["compressed-size"]}
                for layer_id in chain
            ],
        }
        manifest_blob = json.dumps(manifest, separators=(",", ":")).encode()
        manifest_digest = "sha256:" + hashlib.sha256(manifest_blob).hexdigest()
        image_id = config_digest.removeprefix("sha256:")

        big_data = {config_digest: config_blob, f"manifest-{manifest_digest}": manifest_blob, "manifest": manifest_blob}
        image_dir = images_dir / image_id
        image_dir.mkdir(exist_ok=True)
        for key, blob in big_data.items():
            (image_dir / big_data_file_name(key)).write_bytes(blob)

        names, history = _names(rng, index, manifest_digest)
        record = {
            "id": image_id,
            "digest": manifest_digest,
            "names": names,
            "names-history": history,
            "layer": chain[-1],
            "metadata": "{}",
            "big-data-names": list(big_data),
            "big-data-sizes": {key: len(blob) for key, blob in big_data.items()},
            "big-data-digests": {key: "sha256:" + hashlib.sha256(blob).hexdigest() for key, blob in big_data.items()},
            "created": "2026-01-01T00:00:00Z",
        }
        # containers/storage leaves out empty lists (omitempty).
        images.append({key: value for key, value in record.items() if value != []})

    # Compact, as Go's json.Marshal writes them for containers/storage.
    (images_dir / "images.json").write_text(json.dumps(images, separators=(",", ":")))
    (layers_dir / "layers.json").write_text(json.dumps(layers, separators=(",", ":")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, required=True, help="number of images to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed writes the same store")
    parser.add_argument("root", type=Path, help="storage root to create (graphroot)")
    arguments = parser.parse_args()
    generate(arguments.root, arguments.images, arguments.seed)


if __name__ == "__main__":
    main()
