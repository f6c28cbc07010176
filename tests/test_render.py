"""crictl's rendering: sizes, truncation, repo digest and tag splitting, the tabwriter layout."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criimages.convert import CriImage
from criimages.render import _format_block, human_size, render_table, split_repo_digest, split_repo_tags, table_rows, tabwriter, truncate_id

ID = "afba01043a095c84175c365be11991f533f7bfee35b6ae9ba8c67b2e1bab80d9"
DIGEST = "sha256:1c14e36505e0e5019280754f426bc2cce404bed8ee4b4d7c950a5e07e5ec21eb"


def image(repo_tags=(), repo_digests=(), size=3807653, image_id=ID) -> CriImage:
    return CriImage(image_id, tuple(repo_tags), tuple(repo_digests), size, None, "", False)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0B"),
        (1, "1B"),
        (999, "999B"),
        (1000, "1kB"),
        (1500, "1.5kB"),
        (9995, "9.99kB"),
        (17700, "17.7kB"),
        (99950, "100kB"),
        (126760, "127kB"),
        (688049, "688kB"),
        (999499, "999kB"),
        (999500, "1e+03kB"),
        (999720, "1e+03kB"),
        (1000000, "1MB"),
        (1004311, "1MB"),
        (1104151, "1.1MB"),
        (5884835, "5.88MB"),
        (123456789, "123MB"),
        (999999999, "1e+03MB"),
        (10**12, "1TB"),
        (2**63 - 1, "9.22EB"),
        (2**64 - 1, "18.4EB"),
        (10**27, "1e+03YB"),
    ],
)
def test_human_size_matches_go_units(size: int, text: str) -> None:
    assert human_size(size) == text


def test_truncate_id_keeps_13_characters() -> None:
    assert truncate_id(ID) == "afba01043a095"


def test_truncate_id_strips_sha256_prefix() -> None:
    assert truncate_id(DIGEST) == "1c14e36505e0e"


def test_truncate_id_leaves_short_text() -> None:
    assert truncate_id("<none>") == "<none>"
    assert truncate_id("errorRepoDigest") == "errorRepoDige"


def test_split_repo_digest_uses_first_entry() -> None:
    assert split_repo_digest([f"docker.io/library/alpine@{DIGEST}", "b@c"]) == ("docker.io/library/alpine", DIGEST)


def test_split_repo_digest_without_digests_is_none() -> None:
    assert split_repo_digest([]) == ("<none>", "<none>")


def test_repo_digest_two_at_signs_errors() -> None:
    assert split_repo_digest([f"docker.io/library/busybox@sha256@{DIGEST}"]) == ("errorName", "errorRepoDigest")


def test_split_repo_tags_splits_at_last_colon() -> None:
    assert split_repo_tags(["localhost:5000/app:v1"], "x") == [("localhost:5000/app", "v1")]


def test_split_repo_tags_without_tags_uses_image_name() -> None:
    assert split_repo_tags([], "docker.io/library/busybox") == [("docker.io/library/busybox", "<none>")]


def test_split_repo_tags_without_colon_is_error() -> None:
    assert split_repo_tags(["notag"], "x") == [("errorRepoTag", "errorRepoTag")]


def test_split_repo_tags_replaces_none_repository() -> None:
    assert split_repo_tags(["<none>:v1"], "docker.io/library/x") == [("docker.io/library/x", "v1")]


def test_table_row_per_tag() -> None:
    rows = table_rows(
        [image(["docker.io/library/alpine:3.19", "localhost/alpine:latest"], [f"docker.io/library/alpine@{DIGEST}"])],
        digests=True,
    )

    assert rows == [
        ["IMAGE", "TAG", "DIGEST", "IMAGE ID", "SIZE"],
        ["docker.io/library/alpine", "3.19", "1c14e36505e0e", "afba01043a095", "3.81MB"],
        ["localhost/alpine", "latest", "1c14e36505e0e", "afba01043a095", "3.81MB"],
    ]


def test_table_no_trunc_shows_full_id_and_digest() -> None:
    rows = table_rows([image([], [f"quay.io/x@{DIGEST}"])], digests=True, no_trunc=True)

    assert rows[1] == ["quay.io/x", "<none>", DIGEST, ID, "3.81MB"]


def test_table_pinned_column_shows_boolean() -> None:
    rows = table_rows([image(["a/b:1"])], pinned=True)

    assert rows[0][-1] == "PINNED"
    assert rows[1][-1] == "false"


def test_render_table_pads_columns_to_minimum_20() -> None:
    text = render_table([["IMAGE", "TAG", "IMAGE ID", "SIZE"]])

    assert text == "IMAGE               TAG                 IMAGE ID            SIZE\n"


def test_render_table_widens_column_by_padding_3() -> None:
    text = render_table([["IMAGE", "SIZE"], ["x" * 30, "1B"]])

    assert text == "IMAGE" + " " * 28 + "SIZE\n" + "x" * 30 + "   1B\n"


def test_tabwriter_counts_code_points() -> None:
    assert tabwriter("é\tx\n", 1, 1) == "é x\n"


def test_tabwriter_extra_cell_starts_new_column_block() -> None:
    # The third line has a tab inside its first cell, as a names-history entry might.
    text = tabwriter("a\tb\tc\nlong-cell\tb\tc\nx\ty\tz\tw\n", 1, 1)

    assert text == "a         b c\nlong-cell b c\nx         y z w\n"


def test_tabwriter_line_without_tab_ends_block() -> None:
    text = tabwriter("aaaa\tb\nplain\nc\td\n", 1, 1)

    assert text == "aaaa b\nplain\nc d\n"


def test_tabwriter_vertical_tab_ends_cell() -> None:
    assert tabwriter("a\vb\n", 1, 1) == tabwriter("a\tb\n", 1, 1)


def block_by_block(text: str, min_width: int, padding: int, pad_char: str) -> str:
    """Lay text out with the block recursion alone, the general path that tabwriter shortcuts for tables."""
    lines = [line.split("\t") for line in text.replace("\v", "\t").replace("\f", "\n").split("\n")]
    output: list[str] = []
    _format_block(lines, 0, len(lines), [], min_width, padding, pad_char, output)
    return "\n".join(output)


CELLS = st.text(alphabet="ab\u00e9\u4e2d \t\n", max_size=6)


@settings(max_examples=500, deadline=None)
@given(
    rows=st.integers(0, 6).flatmap(lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=6)),
    end=st.sampled_from(["\n", "", "x"]),
    min_width=st.integers(0, 12),
    padding=st.integers(0, 3),
    pad_char=st.sampled_from([" ", ".", "{"]),
)
def test_table_shortcut_matches_recursion(rows: list[list[str]], end: str, min_width: int, padding: int, pad_char: str) -> None:
    text = "\n".join("\t".join(row) for row in rows) + end
    assert tabwriter(text, min_width, padding, pad_char) == block_by_block(text, min_width, padding, pad_char)
