"""Read whole files read-only, and name what they hold, for one-line criimages errors."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from criimages.errors import CriimagesError


def read_file(path: Path, error_class: type[CriimagesError], what: str) -> bytes | None:
    """Return the bytes of the file at path, or None when it does not exist.

    Any other failure raises error_class with a message that names the path as "what" (for example
    "configuration file") and, for a permission error, suggests sudo.
    """
    try:
        return _read_all(path)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise error_class(f"{what} '{path}' is a directory") from None
    except NotADirectoryError:
        raise error_class(f"{what} '{path}' cannot exist: a parent of it is not a directory") from None
    except PermissionError:
        raise error_class(f"permission denied reading {what} '{path}'; run criimages with sudo") from None
    except OSError as error:
        raise error_class(f"cannot read {what} '{path}': {error.strerror}") from None


def _read_all(path: Path | str) -> bytes:
    # os.open and os.read rather than open(): a listing reads two or three small files per image,
    # and a file object costs more than the reading (about 6 µs against 4 µs per file).
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = os.read(fd, _SMALL_FILE_BYTES)
        if len(data) == _SMALL_FILE_BYTES:
            # A large file such as images.json: read it whole into one buffer, which joining
            # pieces would copy.
            data = os.pread(fd, os.fstat(fd).st_size + 1, 0)
        # Read on until the end of the file: a short read does not prove it.
        chunks = [data]
        offset = len(data)
        while more := os.pread(fd, _SMALL_FILE_BYTES, offset):
            chunks.append(more)
            offset += len(more)
        return data if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


_SMALL_FILE_BYTES = 1 << 16


def list_directory(path: Path, error_class: type[CriimagesError], what: str) -> list[Path] | None:
    """Return the entries of the directory at path sorted by name, or None when it does not exist."""
    try:
        return sorted(path.iterdir(), key=lambda entry: entry.name)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise error_class(f"{what} '{path}' is not a directory") from None
    except PermissionError:
        raise error_class(f"permission denied reading {what} '{path}'; run criimages with sudo") from None
    except OSError as error:
        raise error_class(f"cannot read {what} '{path}': {error.strerror}") from None


def json_type(value: Any) -> str:
    """Name the JSON type of a parsed value, with its article, for error messages ("an array")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")

# orjson parses the small manifests and configs of a listing about three times as fast as json
# (1.2 µs against 3.7 µs each), but importing it takes about 9 ms. It pays off after some 3,500
# documents, so the first documents of a run go to json and the rest to orjson.
_STANDARD_PARSER_DOCUMENTS = 2000
_documents_parsed = 0

# Large files (images.json, layers.json) gain little from orjson and cost more memory with it:
# 10,000 images peaked at 80 MiB instead of 71 MiB (bench/run.py, see bench/RESULTS.md).
_FAST_PARSE_MAX_BYTES = 1 << 20


_fast_loads: Any = None

_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGIT_RUN = b"0" * 19


def _fast_parser() -> Any:
    """Return orjson.loads once enough documents were parsed to pay for its import, else None."""
    global _documents_parsed, _fast_loads
    if _fast_loads is None:
        _documents_parsed += 1
        if _documents_parsed <= _STANDARD_PARSER_DOCUMENTS:
            return None
        from orjson import loads as _fast_loads
    return _fast_loads


def loads_json(data: bytes, exact_integers: bool = True) -> Any:
    """Parse JSON text as Go's encoding/json does where Python's json differs.

    Go rejects a leading byte order mark, which Python skips, and turns an unpaired surrogate
    escape into U+FFFD, which Python keeps and cannot print. An integer too long for Python's
    int() limit becomes a float, as Go keeps untyped numbers; typed fields then reject it. Raises
    UnicodeDecodeError for invalid UTF-8 and ValueError (JSONDecodeError) for invalid JSON.

    With exact_integers false, an integer outside the 64-bit range may come back as a float,
    which saves a scan of the text for the callers whose documents use no such integer.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        raise ValueError("invalid character U+FEFF (byte order mark) at the start of the JSON text")
    fast_loads = _fast_parser() if len(data) < _FAST_PARSE_MAX_BYTES else None
    # orjson turns an integer outside the 64-bit range into a float, which json keeps exact, so a
    # document with 19 digits in a row (an integer that might be out of range) goes to json.
    if fast_loads is not None and (not exact_integers or _LONG_DIGIT_RUN not in data.translate(_DIGITS_TO_ZERO)):
        try:
            return fast_loads(data)
        except ValueError:
            # orjson rejects what the rules below handle (unpaired surrogates, huge integers) and
            # words its errors differently; the standard parser decides and gives the message.
            pass
    try:
        value = json.loads(data)
    except ValueError as error:
        if "integer string conversion" not in str(error):
            raise
        value = json.loads(data, parse_int=_parse_int)
    if b"\\u" in data and _SURROGATE_ESCAPE.search(data):
        value = _replace_lone_surrogates(value)
    return value


# Python's int() refuses longer digit strings (sys.get_int_max_str_digits, 4300 by default).
_MAX_INT_DIGITS = 4000


def _parse_int(text: str) -> int | float:
    return int(text) if len(text) <= _MAX_INT_DIGITS else float(text)


def _replace_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_replace_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_replace_lone_surrogates(key): _replace_lone_surrogates(item) for key, item in value.items()}
    return value


def array_cuts(data: bytes, parts: int) -> list[int]:
    """Return up to parts - 1 positions that cut the text of a JSON array into parts of about equal size.

    A cut is the position of a "},{" between two objects, as compact JSON writes them (Go's
    json.Marshal, which containers/storage uses). Nothing here checks that a "},{" is not inside a
    string or a nested value. Such a cut makes a piece that is not valid JSON: the first piece
    parses only when every cut falls between two elements of the array.
    """
    cuts: list[int] = []
    for part in range(1, parts):
        start = max(len(data) * part // parts, cuts[-1] + 3 if cuts else 0)
        position = data.find(b"},{", start)
        if position == -1:
            break
        cuts.append(position)
    return cuts


def array_piece(data: bytes, cuts: list[int], index: int) -> bytes:
    """Return piece index of the array that cuts divide, as the text of a JSON array; "[]" past the last piece."""
    if index > len(cuts):
        return b"[]"
    start = cuts[index - 1] + 2 if index > 0 else 0
    end = cuts[index] + 1 if index < len(cuts) else len(data)
    opening = b"[" if index > 0 else b""
    closing = b"]" if index < len(cuts) else b""
    return opening + data[start:end] + closing


def describe_json_error(error: ValueError) -> str:
    """Word a loads_json error for a message: json's reason with its line and column when it has them."""
    if hasattr(error, "lineno") and hasattr(error, "msg"):
        return f"{error.msg} (line {error.lineno}, column {error.colno})"
    return str(error)
