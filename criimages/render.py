"""Render CRI images exactly as crictl prints them (cri-tools cmd/crictl/image.go and util.go)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from criimages.convert import CriImage

NONE = "<none>"
# Placeholders crictl prints when a repo digest or tag does not split into exactly two parts.
ERROR_NAME = "errorName"
ERROR_REPO_DIGEST = "errorRepoDigest"
ERROR_REPO_TAG = "errorRepoTag"

TRUNCATED_ID_LENGTH = 13
DIGEST_PREFIX = "sha256:"

# Table layout: text/tabwriter with minwidth 20, tabwidth 1, padding 3, padchar ' ', flags 0.
TABLE_MIN_WIDTH = 20
TABLE_PADDING = 3

# go-units HumanSizeWithPrecision: decimal units, note the lowercase "kB".
SIZE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def human_size(size: int) -> str:
    """Format a byte count as go-units HumanSizeWithPrecision(size, 3) does: "688kB", "1e+03kB"."""
    value = float(size)
    unit = 0
    while value >= 1000.0 and unit < len(SIZE_UNITS) - 1:
        value /= 1000.0
        unit += 1
    # Python's "g" formatting equals Go's %.3g here: same rounding, exponent form and trimmed zeros.
    return format(value, ".3g") + SIZE_UNITS[unit]


def truncate_id(text: str) -> str:
    """Strip "sha256:" once and keep 13 characters, as crictl's getTruncatedID does."""
    if text.startswith(DIGEST_PREFIX):
        text = text[len(DIGEST_PREFIX) :]
    return text[:TRUNCATED_ID_LENGTH]


def split_repo_digest(repo_digests: Sequence[str]) -> tuple[str, str]:
    """Return (image name, digest) from the first repo digest, as crictl's normalizeRepoDigest."""
    if not repo_digests:
        return NONE, NONE
    parts = repo_digests[0].split("@")
    if len(parts) != 2:
        return ERROR_NAME, ERROR_REPO_DIGEST
    return parts[0], parts[1]


def split_repo_tags(repo_tags: Sequence[str], image_name: str) -> list[tuple[str, str]]:
    """Return one (repository, tag) pair per tag, or (image name, <none>) when there is none."""
    if not repo_tags:
        return [(image_name, NONE)]
    pairs = []
    for tag in repo_tags:
        repository, separator, tag_part = tag.rpartition(":")
        if not separator:
            pairs.append((ERROR_REPO_TAG, ERROR_REPO_TAG))
        elif repository == NONE:
            pairs.append((image_name, tag_part))
        else:
            pairs.append((repository, tag_part))
    return pairs


def table_rows(images: Iterable[CriImage], digests: bool = False, no_trunc: bool = False, pinned: bool = False) -> list[list[str]]:
    """Return crictl's image table as rows of cells, header first: one row per tag of each image."""
    header = ["IMAGE", "TAG"]
    if digests:
        header.append("DIGEST")
    header += ["IMAGE ID", "SIZE"]
    if pinned:
        header.append("PINNED")

    rows = [header]
    for image in images:
        image_name, repo_digest = split_repo_digest(image.repo_digests)
        image_id = image.id
        if not no_trunc:
            image_id = truncate_id(image_id)
            repo_digest = truncate_id(repo_digest)
        size = human_size(image.size)
        for repository, tag in split_repo_tags(image.repo_tags, image_name):
            row = [repository, tag]
            if digests:
                row.append(repo_digest)
            row += [image_id, size]
            if pinned:
                row.append("true" if image.pinned else "false")
            rows.append(row)
    return rows


def render_table(rows: Iterable[Sequence[str]]) -> str:
    """Lay the rows out as crictl's tabwriter does: cells joined by tabs, each line ended by a newline."""
    return tabwriter("".join("\t".join(row) + "\n" for row in rows), TABLE_MIN_WIDTH, TABLE_PADDING)


def render_quiet(images: Iterable[CriImage]) -> str:
    """Return crictl's -q output: one full image ID per image."""
    return "".join(image.id + "\n" for image in images)


def tabwriter(text: str, min_width: int, padding: int, pad_char: str = " ") -> str:
    """Align tab-separated text as Go's text/tabwriter does with flags 0 and a non-tab pad character.

    A cell is text ended by a tab; the text after a line's last tab is not part of any column. A
    column block is a run of consecutive lines that all have a cell in that column, and each block
    gets the width max(min_width, widest cell + padding). Widths count code points, as Go counts
    runes. A vertical tab ends a cell and a form feed ends a line, as in Go.
    """
    text = text.replace("\v", "\t").replace("\f", "\n")
    lines = [line.split("\t") for line in text.split("\n")]
    # The text after the final newline is an unfinished line that Go writes out as it is.
    output: list[str] = []
    cell_counts = {len(cells) for cells in lines[:-1]}
    if len(cell_counts) == 1 and len(lines[-1]) == 1:
        # Every full line has the same cells, as crictl's table does: each column is one block that
        # spans all full lines, so the recursion below would size each column by all its cells.
        full_lines = lines[:-1]
        widths = [max(min_width, max(map(len, cells)) + padding) for cells in list(zip(*full_lines))[:-1]]
        if pad_char == " ":
            # One format call per line: "{:<W}" pads with spaces to W code points, as ljust does.
            line_format = "".join(f"{{:<{width}}}" for width in widths) + "{}"
            output.extend([line_format.format(*cells) for cells in full_lines])
        else:
            _write_lines(lines, 0, len(full_lines), widths, pad_char, output)
        output.append(lines[-1][0])
    else:
        _format_block(lines, 0, len(lines), [], min_width, padding, pad_char, output)
    return "\n".join(output)


def _format_block(
    lines: list[list[str]],
    start: int,
    end: int,
    widths: list[int],
    min_width: int,
    padding: int,
    pad_char: str,
    output: list[str],
) -> None:
    # A transcription of the recursion in Go's (*Writer).format: find the next block that has a cell
    # in column len(widths), size that column, and format the block's further columns recursively.
    column = len(widths)
    line_index = start
    while line_index < end:
        if column >= len(lines[line_index]) - 1:
            line_index += 1
            continue
        _write_lines(lines, start, line_index, widths, pad_char, output)
        start = line_index

        width = min_width
        while line_index < end and column < len(lines[line_index]) - 1:
            width = max(width, len(lines[line_index][column]) + padding)
            line_index += 1

        widths.append(width)
        _format_block(lines, start, line_index, widths, min_width, padding, pad_char, output)
        widths.pop()
        start = line_index
    _write_lines(lines, start, end, widths, pad_char, output)


def _write_lines(lines: list[list[str]], start: int, end: int, widths: list[int], pad_char: str, output: list[str]) -> None:
    # Each line here has a cell in every sized column and maybe more; those are written as they are.
    # A column is wider than each of its cells, so ljust always pads.
    count = len(widths)
    for cells in lines[start:end]:
        output.append("".join([cell.ljust(width, pad_char) for cell, width in zip(cells, widths)]) + "".join(cells[count:]))
