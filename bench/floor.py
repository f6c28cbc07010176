#!/usr/bin/env python3
"""The least work any faithful lister does: parse images.json and layers.json, read every manifest and config.

This is the benchmark's floor. It reads the files CRI-O reads for a listing (the big-data item
"manifest" and the config its manifest names) and parses them, and prints nothing but a count.

Usage: floor.py ROOT   (ROOT holds vfs-images/ and vfs-layers/)
"""

import base64
import json
import os
import sys


def file_name(key: str) -> str:
    # containers/storage's big-data file name rule: plain keys stay, others are "=" + base64.
    if all(c in ".0123456789abcdefghijklmnopqrstuvwxyz" for c in key):
        return key
    return "=" + base64.standard_b64encode(key.encode()).decode()


def main() -> None:
    root = sys.argv[1]
    images_dir = os.path.join(root, "vfs-images")
    with open(os.path.join(images_dir, "images.json"), "rb") as file:
        images = json.loads(file.read())
    with open(os.path.join(root, "vfs-layers", "layers.json"), "rb") as file:
        layers = json.loads(file.read())

    for image in images:
        image_dir = os.path.join(images_dir, image["id"])
        with open(os.path.join(image_dir, "manifest"), "rb") as file:
            manifest = json.loads(file.read())
        with open(os.path.join(image_dir, file_name(manifest["config"]["digest"])), "rb") as file:
            json.loads(file.read())
    print(len(images), len(layers))


if __name__ == "__main__":
    main()
