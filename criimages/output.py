"""Choose crictl's output for `images`: JSON, YAML, IDs only, verbose lines or the table."""

from __future__ import annotations

import json
from collections.abc import Sequence

from criimages.convert import CriImage
from criimages.render import render_quiet, render_table, table_rows


def render_images(
    images: Sequence[CriImage],
    output: str = "",
    quiet: bool = False,
    verbose: bool = False,
    digests: bool = False,
    no_trunc: bool = False,
    pinned: bool = False,
) -> str:
    """Return exactly what crictl prints for these images.

    Only "json" and "yaml" are special output formats; -q wins over -v, and both replace the table.
    """
    if output == "json":
        return images_json(images) + "\n"
    if output == "yaml":
        # Imported here: only YAML output needs the emitter.
        from criimages.goyaml import json_text_to_yaml

        return json_text_to_yaml(images_json(images), json_encoder="protojson") + "\n"
    if quiet:
        return render_quiet(images)
    if verbose:
        return "".join(_verbose_lines(image) for image in images)
    return render_table(table_rows(images, digests=digests, no_trunc=no_trunc, pinned=pinned))


def _verbose_lines(image: CriImage) -> str:
    lines = [f"ID: {image.id}"]
    lines += [f"RepoTags: {tag}" for tag in image.repo_tags]
    lines += [f"RepoDigests: {digest}" for digest in image.repo_digests]
    if image.size:
        lines.append(f"Size: {image.size}")
    if image.uid is not None:
        # Go prints the Int64Value message with %v in prototext form, which leaves out a zero value.
        lines.append(f"Uid: value:{image.uid}" if image.uid else "Uid: ")
    if image.username:
        lines.append(f"Username: {image.username}")
    if image.pinned:
        lines.append("Pinned: true")
    return "\n".join(lines) + "\n\n"


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
    # Printable ASCII without either quote or backslash needs no escape, which is nearly every name.
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _string_list(items: Sequence[str], indent: str) -> str:
    if not items:
        return "[]"
    inner = ",\n".join(f"{indent}  {_string(item)}" for item in items)
    return "[\n" + inner + f"\n{indent}]"


# The kubelet's MaxNamesPerImageInNodeStatus (pkg/kubelet/nodestatus/setters.go).
MAX_NAMES_PER_IMAGE = 5


def node_status_json(images: Sequence[CriImage]) -> str:
    """Return `kubectl get node NAME -o json | jq .status.images` for these images, ordered as given.

    names are the repo digests, then the repo tags, at most 5 (null when there are none); sizeBytes
    is left out when zero (omitempty). An empty list is left out of the node status, so jq prints null.
    """
    if not images:
        return "null\n"
    entries = []
    for image in images:
        names = [*image.repo_digests, *image.repo_tags][:MAX_NAMES_PER_IMAGE]
        entry: dict[str, object] = {"names": names or None}
        if image.size:
            entry["sizeBytes"] = image.size
        entries.append(entry)
    # jq writes non-ASCII text as it is and escapes DEL, which Python's json leaves raw.
    return json.dumps(entries, ensure_ascii=False, indent=2).replace("\x7f", "\\u007f") + "\n"
