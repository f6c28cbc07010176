"""Keep text from the store from controlling a terminal: show control characters as visible escapes.

Names, tags, labels and config values come from registries that anyone can push to, so they may
carry escape sequences that recolour, hide or rewrite what a terminal shows. Output to a pipe or a
file stays byte for byte what crictl prints; only text bound for a terminal is escaped.
"""

from __future__ import annotations

import re

# C0 controls except newline, DEL, C1 controls, and the Unicode format characters that reorder or
# hide text (bidirectional overrides and isolates, marks, line and paragraph separators).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    # The \\uXXXX form is also a valid JSON escape of the same character, so JSON output stays JSON.
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str) -> str:
    """Return text with every control or text-direction character replaced by a visible \\uXXXX escape."""
    return _UNSAFE.sub(_escape, text)


def escape_line(text: str) -> str:
    """Return text as one safe line: newlines escaped too, for error messages and log lines."""
    return escape_controls(text).replace("\n", "\\u000a")
