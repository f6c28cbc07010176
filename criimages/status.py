"""Render `crictl inspecti` output: JSON, YAML or the table, for the statuses CRI-O returns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from criimages.errors import CriimagesError
from criimages.listing import ImageStatus
from criimages.render import human_size

# The formats crictl inspecti accepts; go-template needs Go's template engine, which criimages lacks.
INSPECT_FORMATS = ("json", "yaml", "table")


def status_document(status: ImageStatus, verbose: bool = True) -> dict[str, Any]:
    """Return what crictl builds for one image: {"status": ..., "info": ...}, "info" only when verbose."""
    image = status.image
    document: dict[str, Any] = {
        "status": {
            "id": image.id,
            "repoTags": list(image.repo_tags),
            "repoDigests": list(image.repo_digests),
            "size": str(image.size),
            "username": image.username,
            "spec": {"image": "", "annotations": dict(status.config.annotations), "userSpecifiedImage": "", "runtimeHandler": "", "imageRef": ""},
            "pinned": image.pinned,
        }
    }
    if image.uid is not None:
        document["status"]["uid"] = {"value": str(image.uid)}
    if verbose:
        document["info"] = _crio_info(status)
    return document


def _crio_info(status: ImageStatus) -> dict[str, Any]:
    # CRI-O's createImageInfo: {"labels": ... (omitted when empty), "imageSpec": the OCI config}.
    info: dict[str, Any] = {}
    if status.config.labels:
        info["labels"] = dict(status.config.labels)
    info["imageSpec"] = status.config.oci
    return info


def go_json(value: Any, indent: int | None = None) -> str:
    """Encode value as Go's encoding/json Marshal (then json.Indent) does for maps: keys sorted, HTML-safe escapes.

    Python's json escapes quotes, backslashes and control characters as Go 1.22+ does; Go also
    escapes <, > and & and the line and paragraph separators, which can only occur inside strings.
    """
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent, separators=separators)
    return text.translate(_GO_HTML_ESCAPES)


_GO_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def render_statuses(statuses: Sequence[ImageStatus], output: str = "json", verbose: bool = True) -> str:
    """Return what crictl inspecti prints: one object for one image, an array for several, nothing for none."""
    if output not in INSPECT_FORMATS:
        if output == "go-template":
            raise CriimagesError("output format 'go-template' is not supported by criimages; use json, yaml or table")
        raise CriimagesError(f"unsupported format: {output!r}; use json, yaml or table")
    if output == "table":
        return "".join(_status_table(status, verbose) for status in statuses)
    if not statuses:
        return ""

    documents = [status_document(status, verbose) for status in statuses]
    result: Any = documents[0] if len(documents) == 1 else documents
    if output == "yaml":
        from criimages.goyaml import json_text_to_yaml

        # sigs.k8s.io/yaml parses crictl's JSON again, so the YAML contains exactly the JSON values.
        return json_text_to_yaml(go_json(result), json_encoder="encoding/json") + "\n"
    return go_json(result, indent=2) + "\n"


def _status_table(status: ImageStatus, verbose: bool) -> str:
    image = status.image
    lines = [f"ID: {image.id}"]
    lines += [f"Tag: {tag}" for tag in image.repo_tags]
    lines += [f"Digest: {digest}" for digest in image.repo_digests]
    lines.append(f"Size: {human_size(image.size)}")
    if verbose:
        # Go prints the map[string]string of CRI-O's info with %v; the value is CRI-O's compact JSON
        # in struct order, with labels first.
        lines.append(f"Info: map[info:{_struct_json(_crio_info(status))}]")
    return "\n".join(lines) + "\n"


def _struct_json(value: Any) -> str:
    """Encode as Go marshals CRI-O's structs: fields in struct order, maps with sorted keys, compact."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(key)}:{_struct_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_struct_json(item) for item in value) + "]"
    return go_json(value)
