"""Render a JSON document as YAML byte for byte as crictl's ``-o yaml`` prints it.

crictl converts its JSON output with sigs.k8s.io/yaml ``JSONToYAML``: the JSON text is parsed with
go-yaml v2's ``Unmarshal`` into ``interface{}`` values and printed again with go-yaml v2's
``Marshal``. This module reimplements the parts of go-yaml v2.4 (gopkg.in/yaml.v2, now
go.yaml.in/yaml/v2) that JSON input reaches. Its sources are ``readerc.go`` and ``scannerc.go``
for what parsing the JSON text does to strings, ``resolve.go`` for the strings that would read back
as another type, and ``sorter.go`` for key order. ``encode.go`` gives the requested scalar styles and
number formats, and ``emitterc.go`` with ``yamlprivateh.go`` the final styles, escapes, indentation
and line folding.

The input is the JSON document as ``json.loads`` returns it. Parsing loses which characters the JSON
text had escaped, so the caller names the Go encoder that wrote crictl's JSON: ``protojson`` for
messages such as ``crictl images`` (it writes U+2028 and U+2029 unescaped) or ``encoding/json`` for
``crictl inspecti`` (it escapes them).
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Iterator, List, Optional, Tuple

from criimages.errors import CriimagesError

__all__ = ["json_to_yaml", "JSON_ENCODERS"]

JSON_ENCODERS = ("protojson", "encoding/json")

# emitterc.go yaml_emitter_emit_stream_start sets best_indent to 2 and best_width to 80, because
# Marshal leaves both unset.
_BEST_INDENT = 2
_BEST_WIDTH = 80
# emitterc.go yaml_emitter_check_simple_key: longer keys (in UTF-8 bytes) get the "? key" form.
_MAX_SIMPLE_KEY_BYTES = 128
# scannerc.go yaml_simple_key_is_valid: the ":" after a JSON key must come at most 1024 characters
# after the key's opening quote, so the key's JSON text between the quotes may be 1022 long.
_MAX_KEY_JSON_CHARS = 1022
# scannerc.go max_flow_level: deeper nesting of JSON arrays and objects fails to parse.
_MAX_DEPTH = 10000

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = "plain", "single", "double", "literal"


def json_to_yaml(value: object, *, json_encoder: str = "protojson") -> str:
    """Return what sigs.k8s.io/yaml JSONToYAML prints for a JSON document, given as json.loads() returned it.

    ``json_encoder`` names the Go encoder that wrote the JSON text crictl converted: "protojson"
    (crictl images) or "encoding/json" (crictl inspecti). The result is the text go-yaml writes,
    which normally ends with a newline. crictl's fmt.Println adds one more.

    Raises CriimagesError where go-yaml fails, so that crictl prints nothing and exits 1. That is
    the case for a character its reader rejects, a key that spans lines or is too long to parse,
    nesting deeper than 10000, and a non-finite float, whose JSON text is unknown.
    """
    if json_encoder not in JSON_ENCODERS:
        raise ValueError(f"invalid json_encoder {json_encoder!r}: use one of {JSON_ENCODERS}")
    emitter = _Emitter(raw_line_separators=json_encoder == "protojson")
    emitter.emit_document(value)
    return "".join(emitter.parts)


# --- What parsing the JSON text does to a string (readerc.go, scannerc.go) ---------------------------

# Characters that go-yaml's reader rejects (readerc.go). Neither Go encoder escapes any of them, so
# they reach the reader raw.
_READER_REJECTED_RE = re.compile("[\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Raw line breaks inside a quoted JSON string. NEL always arrives raw, LS and PS only from protojson.
_RAW_BREAKS_RE = {True: re.compile("[\x85\u2028\u2029]"), False: re.compile("\x85")}
# A run of raw spaces and raw breaks that contains a break: the scanner folds it.
_FOLD_RUN_RE = {
    True: re.compile("[ \x85\u2028\u2029]*[\x85\u2028\u2029][ \x85\u2028\u2029]*"),
    False: re.compile(" *\x85[ \x85]*"),
}
_DOCUMENT_MARKERS = ("---", "...")
_ESCAPE_LENGTHS = {'"': 2, "\\": 2, "\b": 2, "\f": 2, "\n": 2, "\r": 2, "\t": 2}


def _parse_string(text: str, raw_line_separators: bool, is_key: bool) -> str:
    """Return the string go-yaml reads back from the JSON encoding of ``text``, or raise as it does."""
    if text.isascii():
        if "\x7f" in text:
            raise _reader_error(text, "\x7f")
    else:
        rejected = _READER_REJECTED_RE.search(text)
        if rejected:
            raise _reader_error(text, rejected.group())
        if _RAW_BREAKS_RE[raw_line_separators].search(text):
            if is_key:
                raise CriimagesError(
                    f"cannot print as YAML: the key {_shorten(text)} contains a raw line break "
                    "(U+0085, U+2028 or U+2029), so go-yaml fails to parse crictl's JSON"
                )
            text = _fold_raw_breaks(text, raw_line_separators)
    # A JSON escape takes at most 6 characters, so only longer keys need counting.
    if is_key and len(text) > _MAX_KEY_JSON_CHARS // 6:
        if _json_length(text, raw_line_separators) > _MAX_KEY_JSON_CHARS:
            raise CriimagesError(
                f"cannot print as YAML: the key {_shorten(text)} is too long for go-yaml to parse: its "
                f"JSON text is longer than {_MAX_KEY_JSON_CHARS} characters"
            )
    return text


def _fold_raw_breaks(text: str, raw_line_separators: bool) -> str:
    """Apply the double-quoted scalar line folding of scannerc.go yaml_parser_scan_flow_scalar.

    Spaces next to a raw break are dropped. A lone NEL becomes a space, NELs after the first become
    newlines, and LS or PS stay as they are. A break followed directly by "---" or "..." and a blank
    is read as a document marker, which fails the parse.
    """
    pieces = []
    position = 0
    for run in _FOLD_RUN_RE[raw_line_separators].finditer(text):
        start, end = run.span()
        breaks = run.group().replace(" ", "")
        if run.group()[-1] != " " and text.startswith(_DOCUMENT_MARKERS, end):
            after = text[end + 3 : end + 4]
            if after and after in (" \x85\u2028\u2029" if raw_line_separators else " \x85"):
                raise CriimagesError(
                    f"cannot print as YAML: go-yaml reads a document marker inside {_shorten(text)} "
                    "after its raw line break, so it fails to parse crictl's JSON"
                )
        later = breaks[1:].replace("\x85", "\n")
        if breaks[0] == "\x85":
            folded = later or " "
        else:
            folded = breaks[0] + later
        pieces.append(text[position:start])
        pieces.append(folded)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _json_length(text: str, raw_line_separators: bool) -> int:
    """Return the length of ``text`` between the quotes of the JSON string the Go encoder writes."""
    length = len(text)
    for char in text:
        if char < " " or char in '"\\':
            length += _ESCAPE_LENGTHS.get(char, 6) - 1
        elif not raw_line_separators and char in "<>&\u2028\u2029":
            # encoding/json escapes these as \u003c and so on. It writes \b and \f since Go 1.22.
            length += 5
    return length


def _reader_error(text: str, char: str) -> CriimagesError:
    if "\ud800" <= char <= "\udfff":
        return CriimagesError(
            f"cannot print as YAML: {_shorten(text)} contains the lone surrogate U+{ord(char):04X}, "
            "which is not valid UTF-8"
        )
    return CriimagesError(
        f"cannot print as YAML: {_shorten(text)} contains U+{ord(char):04X}, which go-yaml rejects "
        "(control characters are not allowed), so crictl fails the same way"
    )


def _shorten(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


# --- Which strings read back as another type (resolve.go, encode.go isBase60Float) ------------------

# resolve.go resolveMap: exact words that resolve to a bool, null or special float. "<<" is in the map
# too, but its first character has no resolve hint, so it stays a string.
_RESOLVE_WORDS = frozenset(
    "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF "
    "~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF".split()
)
_WORD_HINTS = frozenset("yYnNtTfFoO~")
_NUMBER_HINTS = frozenset("+-0123456789")
# strconv.ParseFloat on a string that starts with "." (underscores only between digits).
_DOT_FLOAT_RE = re.compile(r"\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?")
# resolve.go yamlStyleFloat.
_YAML_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# encode.go base60float.
_BASE60_FLOAT_RE = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_DIGITS_RE = {
    2: re.compile("[01]*"),
    8: re.compile("[0-7]*"),
    10: re.compile("[0-9]*"),
    16: re.compile("[0-9a-fA-F]*"),
}
# resolve.go allowedTimestampFormats as time.Parse reads them: "2006-1-2T15:4:5.999999999Z07:00"
# (also with "t"), "2006-1-2 15:4:5.999999999" and "2006-1-2". A space in a layout matches a run of
# spaces. Go's one- or two-digit fields never backtrack, and a digit never follows one in a valid
# match, so these regular expressions agree with it.
# NOTE: this follows time.Parse of current Go (1.23 source): any number of fraction digits and zone
# offsets of two-digit hours up to 24 and minutes up to 60. Go 1.19 reads at most 9 fraction digits
# and takes any zone offset, so crictl built with an old Go quotes a few strings differently.
_TIMESTAMP_RES = (
    re.compile(
        r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})"
        r"(?:[.,][0-9]+)?(?:Z|[-+]([0-9]{2}):([0-9]{2}))"
    ),
    re.compile(
        r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) +([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?"
    ),
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _can_use_plain(text: str) -> bool:
    """Return encode.go's canUsePlain: ``text`` resolves back to a string and is no base 60 float."""
    if not text:
        return False
    first = text[0]
    if first in _WORD_HINTS:
        return text not in _RESOLVE_WORDS
    if first == ".":
        return text not in _RESOLVE_WORDS and not _is_dot_float(text)
    if first in _NUMBER_HINTS:
        if text in _RESOLVE_WORDS or _is_number_or_timestamp(text):
            return False
        return ":" not in text or not _BASE60_FLOAT_RE.fullmatch(text)
    return True


def _is_dot_float(text: str) -> bool:
    # A ParseFloat overflow is an error, so such a string stays a string.
    return bool(_DOT_FLOAT_RE.fullmatch(text)) and math.isfinite(float(text.replace("_", "")))


def _is_number_or_timestamp(text: str) -> bool:
    """Return whether resolve.go reads ``text``, which starts with a digit or sign, as a non-string."""
    if _is_timestamp(text):
        return True
    plain = text.replace("_", "")
    if _go_parse_int(plain, 0) is not None or _go_parse_uint(plain, 0) is not None:
        return True
    if _YAML_FLOAT_RE.fullmatch(plain) and math.isfinite(float(plain)):
        return True
    if plain.startswith("0b"):
        return _go_parse_int(plain[2:], 2) is not None or _go_parse_uint(plain[2:], 2) is not None
    if plain.startswith("-0b"):
        return _go_parse_int("-" + plain[3:], 2) is not None
    return False


def _go_parse_uint(text: str, base: int) -> Optional[int]:
    """Return strconv.ParseUint(text, base, 64) for base 0 (Go's prefixes) or 2, or None on failure."""
    if not text:
        return None
    if base == 0:
        base = 10
        if text[0] == "0":
            prefix = text[1:2].lower()
            if len(text) >= 3 and prefix in ("b", "o", "x"):
                base = {"b": 2, "o": 8, "x": 16}[prefix]
                text = text[2:]
            else:
                base = 8
                text = text[1:]
    if not _DIGITS_RE[base].fullmatch(text):
        return None
    number = int(text, base) if text else 0
    return number if number < 1 << 64 else None


def _go_parse_int(text: str, base: int) -> Optional[int]:
    """Return strconv.ParseInt(text, base, 64), or None where it fails."""
    negative = text[:1] == "-"
    if text[:1] in ("+", "-"):
        text = text[1:]
    magnitude = _go_parse_uint(text, base)
    if magnitude is None or magnitude > (1 << 63) - (0 if negative else 1):
        return None
    return -magnitude if negative else magnitude


def _is_timestamp(text: str) -> bool:
    """Return resolve.go parseTimestamp's verdict, with time.Parse's range checks."""
    if len(text) < 5 or text[4] != "-" or not text[:4].isdigit() or not text[:4].isascii():
        return False
    for pattern in _TIMESTAMP_RES:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        fields = [int(group) if group is not None else 0 for group in match.groups()]
        year, month, day = fields[:3]
        if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
            continue
        if len(fields) > 3:
            hour, minute, second = fields[3:6]
            if hour >= 24 or minute >= 60 or second >= 60:
                continue
        if len(fields) > 6:
            zone_hours, zone_minutes = fields[6:8]
            if zone_hours > 24 or zone_minutes > 60:
                continue
        return True
    return False


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


# --- Scalar analysis and style (emitterc.go yaml_emitter_analyze_scalar, select_scalar_style) -------

_BREAKS = "\n\r\x85\u2028\u2029"
_BREAK_RE = re.compile("[\n\r\x85\u2028\u2029]")
# yamlprivateh.go is_printable: "\n", " " to "~", U+00A0 to U+D7FF and U+E000 to U+FFFD except the
# BOM. Characters outside the Basic Multilingual Plane count as not printable.
_NOT_PRINTABLE_RE = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
_LEADING_INDICATOR_RE = re.compile(r"[#,\[\]{}&*!|>'\"%@`]|[?:-](?:[ \t]|\Z)|---|\.\.\.")
_INNER_INDICATOR_RE = re.compile(":(?:[ \t]|\\Z)|[ \t\n\r\x85\u2028\u2029\x00]#")
_SPACE_BREAK_RE = re.compile(" [\n\r\x85\u2028\u2029]")
_BREAK_SPACE_RE = re.compile("[\n\r\x85\u2028\u2029] ")
# Strings that are plain unless they are one of the words in _RESOLVE_WORDS.
_FAST_PLAIN_RE = re.compile(r"[A-Za-z_/](?:[A-Za-z0-9_./@=+:-]*[A-Za-z0-9_./@=+-])?")
# emitterc.go yaml_emitter_write_double_quoted_scalar: named escapes, else \xXX, \uXXXX or \UXXXXXXXX.
_ESCAPES = {
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\xa0": "\\_",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_DOUBLE_QUOTED_ESCAPE_RE = re.compile(
    '[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]|["\\\\]'
)


class _Scalar:
    """A string's emitter style and its text in that style before any line folding."""

    __slots__ = ("style", "text", "multiline", "foldable")

    def __init__(self, style: str, text: str, multiline: bool) -> None:
        self.style = style
        self.text = text
        self.multiline = multiline
        # Lines fold only at raw spaces, and the escaped text of a BOM-led string has none.
        self.foldable = " " in text


@functools.lru_cache(maxsize=16384)
def _scalar(value: str) -> _Scalar:
    """Return how emitterc.go writes ``value`` outside a flow collection."""
    if _FAST_PLAIN_RE.fullmatch(value) and value not in _RESOLVE_WORDS:
        return _Scalar(_PLAIN, value, False)

    special = _NOT_PRINTABLE_RE.search(value) is not None
    multiline = _BREAK_RE.search(value) is not None
    space_break = multiline and _SPACE_BREAK_RE.search(value) is not None
    break_space = multiline and _BREAK_SPACE_RE.search(value) is not None
    trailing_space = value.endswith(" ")

    if "\n" in value:
        # encode.go requests a literal block, and the emitter falls back to double quotes.
        if special or trailing_space or space_break:
            return _Scalar(_DOUBLE, _double_quoted(value), multiline)
        return _Scalar(_LITERAL, value, multiline)

    if not _can_use_plain(value):
        return _Scalar(_DOUBLE, _double_quoted(value), multiline)

    plain_allowed = not (
        special
        or multiline
        or value[0] == " "
        or trailing_space
        or _LEADING_INDICATOR_RE.match(value)
        or _INNER_INDICATOR_RE.search(value)
    )
    if plain_allowed:
        return _Scalar(_PLAIN, value, multiline)
    if not special and not space_break and not break_space:
        return _Scalar(_SINGLE, "'" + value.replace("'", "''") + "'", multiline)
    return _Scalar(_DOUBLE, _double_quoted(value), multiline)


def _double_quoted(value: str) -> str:
    # yamlprivateh.go is_bom tests the first three bytes of the value instead of those at the current
    # index, so in a string that starts with U+FEFF every character is escaped, even "a" as \x61.
    if value.startswith("\ufeff"):
        return '"' + "".join(_escape(char) for char in value) + '"'
    return '"' + _DOUBLE_QUOTED_ESCAPE_RE.sub(_escape_match, value) + '"'


def _escape_match(match: "re.Match[str]") -> str:
    return _escape(match.group())


def _escape(char: str) -> str:
    named = _ESCAPES.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


# --- Numbers (resolve.go reads the JSON number text, encode.go formats it) --------------------------

def _format_int(number: int) -> Optional[str]:
    """Return how an integer prints, or None when go-yaml keeps its JSON text as a string."""
    if -(1 << 63) <= number < 1 << 64:
        return str(number)
    try:
        as_float = float(number)
    except OverflowError:
        # strconv.ParseFloat overflows, so resolve.go keeps the digits as a string.
        return None
    return _format_float(as_float)


def _format_float(number: float) -> str:
    """Return strconv.FormatFloat(number, 'g', -1, 64) with go-yaml's names for infinities."""
    if not math.isfinite(number):
        raise CriimagesError(
            f"cannot print the JSON number {number!r} as YAML: its JSON text is not known, so what "
            "go-yaml prints for it cannot be reproduced"
        )
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    negative = number < 0
    # repr gives the shortest digits that round-trip, as Go's shortest formatting does.
    mantissa, _, exponent_text = repr(abs(number)).partition("e")
    integer_part, _, fraction_part = mantissa.partition(".")
    digits = (integer_part + fraction_part).lstrip("0")
    point = len(integer_part) + int(exponent_text or 0) - (len(integer_part + fraction_part) - len(digits))
    digits = digits.rstrip("0")
    exponent = point - 1
    if exponent < -4 or exponent >= 6:
        text = digits[0]
        if len(digits) > 1:
            text += "." + digits[1:]
        text += f"e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    elif point > 0:
        text = digits[:point].ljust(point, "0")
        if len(digits) > point:
            text += "." + digits[point:]
    else:
        text = "0." + "0" * -point + digits
    return "-" + text if negative else text


# --- Key order (sorter.go keyList.Less for string keys) ---------------------------------------------

def _key_less(a: str, b: str) -> bool:
    """Return sorter.go keyList.Less: runs of digits compare as numbers, non-letters before letters."""
    for i in range(min(len(a), len(b))):
        char_a, char_b = a[i], b[i]
        if char_a == char_b:
            continue
        letter_a, letter_b = char_a.isalpha(), char_b.isalpha()
        if letter_a and letter_b:
            return char_a < char_b
        if letter_a or letter_b:
            return letter_b
        number_a = number_b = 0
        if char_a == "0" or char_b == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    number_a = number_b = 1
                    break
                j -= 1
        end_a, number_a = _digit_run(a, i, number_a)
        end_b, number_b = _digit_run(b, i, number_b)
        if number_a != number_b:
            return number_a < number_b
        if end_a != end_b:
            return end_a < end_b
        return char_a < char_b
    return len(a) < len(b)


def _digit_run(text: str, start: int, number: int) -> Tuple[int, int]:
    """Accumulate the Unicode digits from ``start`` as sorter.go does, in wrapping int64 arithmetic."""
    end = start
    while end < len(text) and text[end].isdecimal():
        # Go subtracts '0' from the code point, so non-ASCII digits add large values.
        number = number * 10 + ord(text[end]) - 48
        end += 1
    if not -(1 << 63) <= number < 1 << 63:
        number = (number + (1 << 63)) % (1 << 64) - (1 << 63)
    return end, number


def _key_compare(a: str, b: str) -> int:
    if _key_less(a, b):
        return -1
    if _key_less(b, a):
        return 1
    return 0


_KEY_ORDER = functools.cmp_to_key(_key_compare)
_PLAIN_ORDER_KEY_RE = re.compile("[A-Za-z]*")


# NOTE: keyList.Less is not transitive for some key sets, such as "9", "10" and "1a", or digit runs
# that overflow int64. go-yaml then sorts keys in Go's random map order and prints a different order
# from run to run, so no output can match it every time.
@functools.lru_cache(maxsize=1024)
def _sorted_keys(keys: Tuple[str, ...]) -> Tuple[str, ...]:
    if all(_PLAIN_ORDER_KEY_RE.fullmatch(key) for key in keys):
        # For ASCII letters only, keyList.Less is plain code point order.
        return tuple(sorted(keys))
    return tuple(sorted(keys, key=_KEY_ORDER))


# --- The emitter (emitterc.go) -----------------------------------------------------------------------

_END = object()


class _Emitter:
    """The block-style output of go-yaml's emitter, with the position state its decisions read."""

    def __init__(self, raw_line_separators: bool) -> None:
        self.raw_line_separators = raw_line_separators
        self.parts: List[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True

    # Primitive writes (emitterc.go put, put_break, write_indent, write_indicator).

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.parts.append("\n")
        self.column = 0

    def write_indent(self, indent: int) -> None:
        indent = max(indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True
        self.indention = True

    def write_indicator(
        self, indicator: str, need_whitespace: bool, is_whitespace: bool, is_indention: bool
    ) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(indicator)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention

    # Document and collections.

    def emit_document(self, value: object) -> None:
        # Each frame is a block collection being written: (items, indent, is_mapping).
        stack: List[Tuple[Iterator, int, bool]] = []
        frame = self.begin_node(value, -1, False, 0)
        if frame is not None:
            stack.append(frame)
        while stack:
            items, indent, is_mapping = stack[-1]
            item = next(items, _END)
            if item is _END:
                stack.pop()
                continue
            if is_mapping:
                key, child = item
                self.write_indent(indent)
                self.emit_key(key, indent)
                frame = self.begin_node(child, indent, True, len(stack))
            else:
                self.write_indent(indent)
                self.write_indicator("-", True, False, True)
                frame = self.begin_node(item, indent, False, len(stack))
            if frame is not None:
                stack.append(frame)
        # Document end: emitterc.go yaml_emitter_emit_document_end ends the last line.
        self.write_indent(-1)

    def begin_node(
        self, value: object, parent_indent: int, mapping_context: bool, depth: int
    ) -> Optional[Tuple[Iterator, int, bool]]:
        """Write a scalar or empty collection, or return the frame of a block collection to fill."""
        if isinstance(value, dict):
            self.check_depth(depth)
            if not value:
                self.write_empty("{}")
                return None
            keys = _sorted_keys(tuple(value))
            indent = 0 if parent_indent < 0 else parent_indent + _BEST_INDENT
            return iter([(key, value[key]) for key in keys]), indent, True
        if isinstance(value, (list, tuple)):
            self.check_depth(depth)
            if not value:
                self.write_empty("[]")
                return None
            # A sequence that is a mapping value starts at the key's column ("indentless").
            if parent_indent < 0:
                indent = 0
            elif mapping_context and not self.indention:
                indent = parent_indent
            else:
                indent = parent_indent + _BEST_INDENT
            return iter(value), indent, False
        scalar_indent = _BEST_INDENT if parent_indent < 0 else parent_indent + _BEST_INDENT
        self.emit_value_scalar(value, scalar_indent)
        return None

    @staticmethod
    def check_depth(depth: int) -> None:
        if depth + 1 > _MAX_DEPTH:
            raise CriimagesError(
                f"cannot print as YAML: the JSON document nests deeper than {_MAX_DEPTH} levels, "
                "which go-yaml fails to parse"
            )

    def write_empty(self, brackets: str) -> None:
        self.write_indicator(brackets[0], True, True, False)
        self.write_indicator(brackets[1], False, False, False)

    def emit_key(self, key: object, indent: int) -> None:
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be str, not {type(key).__name__}: {key!r}")
        text = _parse_string(key, self.raw_line_separators, is_key=True)
        scalar = _scalar(text)
        byte_length = len(text) if text.isascii() else len(text.encode("utf-8"))
        if not scalar.multiline and byte_length <= _MAX_SIMPLE_KEY_BYTES:
            self.write_scalar(text, scalar, indent + _BEST_INDENT, allow_breaks=False)
            self.write_indicator(":", False, False, False)
            return
        # emitterc.go writes other keys as "? key", then ":" on a line of its own.
        self.write_indicator("?", True, False, True)
        self.write_scalar(text, scalar, indent + _BEST_INDENT, allow_breaks=True)
        self.write_indent(indent)
        self.write_indicator(":", True, False, True)

    def emit_value_scalar(self, value: object, indent: int) -> None:
        if value is None:
            text = "null"
        elif value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif isinstance(value, int):
            formatted = _format_int(value)
            if formatted is None:
                text = str(value)
                self.write_scalar(text, _scalar(text), indent, allow_breaks=True)
                return
            text = formatted
        elif isinstance(value, float):
            text = _format_float(value)
        elif isinstance(value, str):
            text = _parse_string(value, self.raw_line_separators, is_key=False)
            self.write_scalar(text, _scalar(text), indent, allow_breaks=True)
            return
        else:
            raise TypeError(f"not a JSON value: {type(value).__name__}")
        self.write_plain(text, indent, allow_breaks=False)

    # Scalars (emitterc.go yaml_emitter_write_*_scalar).

    def write_scalar(self, text: str, scalar: _Scalar, indent: int, allow_breaks: bool) -> None:
        style = scalar.style
        if style == _LITERAL:
            self.write_literal(text, indent)
        elif style == _PLAIN:
            self.write_plain(text, indent, allow_breaks and scalar.foldable)
        elif style == _SINGLE:
            self.write_single_quoted(text, scalar, indent, allow_breaks)
        else:
            self.write_double_quoted(text, scalar, indent, allow_breaks)

    def may_fold(self, scalar: _Scalar, allow_breaks: bool) -> bool:
        """Return whether writing ``scalar.text`` from the current column could pass the width at a space."""
        return allow_breaks and scalar.foldable and self.column + len(scalar.text) > _BEST_WIDTH + 1

    def write_plain(self, text: str, indent: int, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        if allow_breaks and self.column + len(text) > _BEST_WIDTH + 1:
            self.write_folded(text, indent, first_space_folds=False)
        else:
            self.put(text)
        self.whitespace = False
        self.indention = False

    def write_single_quoted(self, text: str, scalar: _Scalar, indent: int, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        if not scalar.multiline and not self.may_fold(scalar, allow_breaks):
            self.put(scalar.text[1:])
        else:
            self.write_single_quoted_body(text, indent, allow_breaks)
            self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    def write_single_quoted_body(self, text: str, indent: int, allow_breaks: bool) -> None:
        """Write a single-quoted scalar's characters, with raw LS and PS that no space touches."""
        breaks = False
        for token in re.finditer("( +)|([\u2028\u2029]+)|[^ \u2028\u2029]+", text):
            start, end = token.span()
            if token.group(1):
                # A lone space between two characters folds past the width.
                lone_inner_space = end - start == 1 and 0 < start and end < len(text)
                if allow_breaks and lone_inner_space and self.column > _BEST_WIDTH:
                    self.write_indent(indent)
                else:
                    self.put(token.group())
            elif token.group(2):
                self.parts.append(token.group())
                self.column = 0
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent(indent)
                self.put(token.group().replace("'", "''"))
                self.indention = False
                breaks = False

    def write_double_quoted(self, text: str, scalar: _Scalar, indent: int, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        if not self.may_fold(scalar, allow_breaks):
            self.put(scalar.text[1:])
        else:
            self.write_folded(scalar.text[1:-1], indent, first_space_folds=True)
            self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_folded(self, text: str, indent: int, first_space_folds: bool) -> None:
        """Write plain or escaped double-quoted text, breaking lines at spaces past the width.

        A plain scalar folds at a lone space. A double-quoted one folds at the first space of any run
        that is neither first nor last in the value, and writes "\\" before a space that follows the
        break so the parser keeps it.
        """
        last = len(text) - 1
        position = 0
        for run in re.finditer(" +", text):
            start, end = run.span()
            self.put(text[position:start])
            position = end
            if self.column <= _BEST_WIDTH:
                self.put(run.group())
                continue
            if not first_space_folds:
                if end - start == 1:
                    self.write_indent(indent)
                    # In emitterc.go the word after the break clears indention, and the next fold reads it.
                    self.indention = False
                else:
                    self.put(run.group())
                continue
            if start == 0 or start == last:
                self.put(run.group())
                continue
            self.write_indent(indent)
            if end - start > 1:
                self.put("\\" + run.group()[1:])
        self.put(text[position:])

    def write_literal(self, text: str, indent: int) -> None:
        self.write_indicator("|", True, False, False)
        if text[0] == " " or text[0] in _BREAKS:
            self.write_indicator(str(_BEST_INDENT), False, False, False)
        if text[-1] not in _BREAKS:
            chomping = "-"
        elif len(text) == 1 or text[-2] in _BREAKS:
            chomping = "+"
        else:
            chomping = ""
        if chomping:
            self.write_indicator(chomping, False, False, False)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for token in re.finditer("([\n\u2028\u2029]+)|[^\n\u2028\u2029]+", text):
            if token.group(1):
                # "\n" is a line break; LS and PS are written raw and only reset the column.
                self.parts.append(token.group())
                self.column = 0
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent(indent)
                self.put(token.group())
                self.indention = False
                breaks = False



def json_text_to_yaml(text: str, *, json_encoder: str = "protojson") -> str:
    """Convert the JSON text crictl made to the YAML it prints, as JSONToYAML does.

    A byte order mark anywhere in the text fails, as it failed in crictl built with go.yaml.in/yaml/v2
    v2.4.3 (seen on the real tools). NOTE: the go-yaml v2.4.0 this module was compared with prints
    it as "\\uFEFF" instead, so that one rule rests on the crictl observation alone.
    """
    if "\ufeff" in text:
        raise CriimagesError("cannot print YAML: go-yaml rejects the byte order mark (U+FEFF) in this data; use -o json")
    return json_to_yaml(json.loads(text), json_encoder=json_encoder)
