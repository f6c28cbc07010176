"""Choose crictl's output for `images`: JSON, YAML, IDs only, verbose lines or the table."""

from __future__ import annotations

import json
from collections.abc import Sequence

from criimages.convert import CriImage
from criimages.errors import CriimagesError
from criimages.render import render_quiet, render_table, table_rows


def render_images(images: Sequence[CriImage], output: str = "", quiet: bool = False, digests: bool = False, no_trunc: bool = False) -> str:
    """Return exactly what crictl prints for these images; only "json" and "yaml" are special formats."""
    if output == "json":
        return images_json(images) + "\n"
    if output == "yaml":
        raise CriimagesError("output format 'yaml' is not supported yet; use -o json or the table")
    if quiet:
        return render_quiet(images)
    return render_table(table_rows(images, digests=digests, no_trunc=no_trunc))


def images_json(images: Sequence[CriImage]) -> str:
    """Return the ListImagesResponse as crictl prints it: protojson with default values and a 2-space indent.

    Fields come in proto field order; 64-bit integers are strings; `uid` appears only when set.
    """
    if not images:
        return '{\n  "images": []\n}'
    blocks = [_image_json(image) for image in images]
    return '{\n  "images": [\n' + ",\n".join(blocks) + "\n  ]\n}"


def _image_json(image: CriImage) -> str:
    indent = " " * 6
    lines = [
        f'{indent}"id": {_string(image.id)}',
        f'{indent}"repoTags": {_string_list(image.repo_tags, indent)}',
        f'{indent}"repoDigests": {_string_list(image.repo_digests, indent)}',
        f'{indent}"size": "{image.size}"',
    ]
    if image.uid is not None:
        lines.append(f'{indent}"uid": {{\n{indent}  "value": "{image.uid}"\n{indent}}}')
    lines.append(f'{indent}"username": {_string(image.username)}')
    lines.append(f'{indent}"pinned": {"true" if image.pinned else "false"}')
    return "    {\n" + ",\n".join(lines) + "\n    }"


def _string(text: str) -> str:
    # protojson escapes like Python's json without ASCII escaping: quote, backslash, control characters.
    return json.dumps(text, ensure_ascii=False)


def _string_list(items: Sequence[str], indent: str) -> str:
    if not items:
        return "[]"
    inner = ",\n".join(f"{indent}  {_string(item)}" for item in items)
    return "[\n" + inner + f"\n{indent}]"
