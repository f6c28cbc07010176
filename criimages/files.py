"""Read whole files read-only, and name what they hold, for one-line criimages errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from criimages.errors import CriimagesError


def read_file(path: Path, error_class: type[CriimagesError], what: str) -> bytes | None:
    """Return the bytes of the file at path, or None when it does not exist.

    Any other failure raises error_class with a message that names the path as "what" (for example
    "configuration file") and, for a permission error, suggests sudo.
    """
    try:
        with open(path, "rb") as file:
            return file.read()
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
