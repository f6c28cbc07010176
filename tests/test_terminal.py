"""Text from the store never drives a terminal, and stays byte-exact in a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from criimages.terminal import escape_controls, escape_line
from tests.conftest import CONFORMANCE_STORE, edit_images_json, isolated_options

HOSTILE_NAME = "quay.io/evil\x1b[2J\x1b]0;pwned\x07\u202e/app"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("\x1b[31mred", "\\u001b[31mred"),
        ("bell\x07", "bell\\u0007"),
        ("tab\there", "tab\\u0009here"),
        ("del\x7f", "del\\u007f"),
        ("c1\x9b", "c1\\u009b"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("café 🚀", "café 🚀"),
        ("two\nlines", "two\nlines"),
    ],
)
def test_escape_controls(text: str, escaped: str) -> None:
    assert escape_controls(text) == escaped


def test_escape_line_escapes_newlines() -> None:
    assert escape_line("a\nb\x1b") == "a\\u000ab\\u001b"


def test_escaped_json_stays_valid_json() -> None:
    document = json.dumps({"name": "a\x7fb\u202ec"}, ensure_ascii=False)

    assert json.loads(escape_controls(document)) == {"name": "a\x7fb\u202ec"}


def hostile_store(store_copy) -> Path:
    root = store_copy(CONFORMANCE_STORE)
    # A dangling image shows its names-history entry, which containers/storage never validates.
    edit_images_json(root, lambda images: images[5].update({"names-history": [HOSTILE_NAME + ":1"]}))
    return root


def run_criimages(arguments: list[str], on_terminal: bool) -> tuple[bytes, bytes]:
    """Run criimages in a subprocess with stdout and stderr on a pseudo-terminal or on pipes."""
    command = [sys.executable, "-c", "from criimages.cli import run; run()", *arguments]
    if not on_terminal:
        done = subprocess.run(command, capture_output=True, timeout=60)
        return done.stdout, done.stderr
    primary, secondary = os.openpty()
    try:
        process = subprocess.Popen(command, stdout=secondary, stderr=secondary, stdin=subprocess.DEVNULL)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(primary)
    return b"".join(chunks), b""


def test_table_on_terminal_shows_escapes(store_copy, tmp_path: Path) -> None:
    root = hostile_store(store_copy)

    output, _ = run_criimages([*isolated_options(root, tmp_path), "list"], on_terminal=True)

    assert b"\x1b" not in output
    assert b"\x07" not in output
    assert "\u202e".encode() not in output
    assert b"quay.io/evil\\u001b[2J\\u001b]0;pwned\\u0007\\u202e/app" in output


def test_table_in_pipe_is_unchanged(store_copy, tmp_path: Path) -> None:
    root = hostile_store(store_copy)

    output, _ = run_criimages([*isolated_options(root, tmp_path), "list"], on_terminal=False)

    assert HOSTILE_NAME.encode() in output


def test_json_on_terminal_is_valid_json(store_copy, tmp_path: Path) -> None:
    root = hostile_store(store_copy)

    output, _ = run_criimages([*isolated_options(root, tmp_path), "list", "-o", "json"], on_terminal=True)

    document = json.loads(output.decode().replace("\r\n", "\n"))
    assert any(d.startswith(HOSTILE_NAME) for image in document["images"] for d in image["repoDigests"])
    assert b"\x1b" not in output


def test_error_message_is_escaped_even_in_pipe(store_copy, tmp_path: Path) -> None:
    root = store_copy(CONFORMANCE_STORE)
    edit_images_json(root, lambda images: images[0].update(names=["Bad\x1b[31mName:1"]))

    output, errors = run_criimages([*isolated_options(root, tmp_path), "list"], on_terminal=False)

    assert output == b""
    assert b"\x1b" not in errors
    assert errors.count(b"\n") == 1


def test_closed_pipe_stops_silently_with_status_1(tmp_path: Path) -> None:
    from tests.test_synthetic import load_generator

    root = tmp_path / "many"
    load_generator().generate(root, 3000, seed=5)
    command = [sys.executable, "-c", "from criimages.cli import run; run()", *isolated_options(root, tmp_path), "list", "--no-trunc"]

    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first_line = process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read()
    status = process.wait(timeout=60)

    assert first_line.startswith(b"IMAGE")
    assert status == 1
    assert errors == b""


def test_full_disk_is_a_write_error(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from criimages.cli import run; run()", *isolated_options(CONFORMANCE_STORE, tmp_path), "list"]

    with open("/dev/full", "wb") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, timeout=60)

    assert done.returncode == 1
    assert done.stderr == b"criimages: cannot write to standard output: No space left on device\n"
