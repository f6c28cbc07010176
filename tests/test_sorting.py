"""Tests for the port of Go's slices.SortFunc and the crictl image order."""

from __future__ import annotations

import functools
import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from criimages import sorting
from criimages.sorting import crictl_less, crictl_order, go_sort

VECTORS_PATH = Path(__file__).parent / "fixtures" / "sort-vectors.json.gz"


@dataclass(frozen=True)
class Image:
    id: str
    repo_tags: tuple[str, ...] = ()
    repo_digests: tuple[str, ...] = ()


def load_vectors() -> list[dict]:
    with gzip.open(VECTORS_PATH, "rt", encoding="utf-8") as file:
        return json.load(file)


def images_of(case: dict) -> list[Image]:
    return [
        Image(record["id"], tuple(record["repoTags"]), tuple(record["repoDigests"]))
        for record in case["images"]
    ]


def ids_of(images: list[Image]) -> list[str]:
    return [image.id for image in images]


VECTORS = load_vectors()
VECTOR_IDS = [
    f"case{number:03d}-{len(case['images'])}-images" for number, case in enumerate(VECTORS)
]


@pytest.mark.parametrize("case", VECTORS, ids=VECTOR_IDS)
def test_sort_matches_crictl_on_vectors(case):
    ordered = crictl_order(images_of(case))

    assert ids_of(ordered) == case["expected_ids"]


def test_vectors_cover_sizes_past_insertion_sort():
    sizes = [len(case["images"]) for case in VECTORS]

    assert len(VECTORS) == 330
    assert min(sizes) <= 12
    assert max(sizes) >= 1000


def test_python_sorted_differs_from_crictl():
    def compare(a: Image, b: Image) -> int:
        if crictl_less(a, b):
            return -1
        if crictl_less(b, a):
            return 1
        return 0

    differing = []
    for number, case in enumerate(VECTORS):
        timsorted = sorted(images_of(case), key=functools.cmp_to_key(compare))
        if ids_of(timsorted) != case["expected_ids"]:
            differing.append(number)

    # Timsort makes other comparisons than pdqsort, and with a non-transitive comparator
    # that gives another order.
    assert differing


@pytest.mark.parametrize("case", VECTORS[::10], ids=VECTOR_IDS[::10])
def test_crictl_order_equals_go_sort_with_crictl_less(case):
    images = images_of(case)
    expected = list(images)
    go_sort(expected, crictl_less)

    assert crictl_order(images) == expected


def test_crictl_order_returns_new_list():
    images = [Image("b"), Image("a")]

    ordered = crictl_order(images)

    assert ids_of(ordered) == ["a", "b"]
    assert ids_of(images) == ["b", "a"]


def test_crictl_order_of_empty_and_single():
    assert crictl_order([]) == []
    assert crictl_order([Image("a")]) == [Image("a")]


def test_crictl_order_treats_empty_tag_as_present():
    # Go tests len(RepoTags) > 0, so an empty first tag is compared, and it sorts first.
    empty_tag = Image("z", repo_tags=("",))
    tagged = Image("a", repo_tags=("docker.io/library/alpine:3",))

    assert crictl_less(empty_tag, tagged)
    assert crictl_order([tagged, empty_tag]) == [empty_tag, tagged]


def test_crictl_less_compares_first_tags_when_both_tagged():
    alpine = Image("2", ("docker.io/library/alpine:3", "z:1"), ("z@sha256:00",))
    busybox = Image("1", ("docker.io/library/busybox:1",), ("a@sha256:00",))

    assert crictl_less(alpine, busybox)
    assert not crictl_less(busybox, alpine)


def test_crictl_less_compares_first_digests_when_one_untagged():
    tagged = Image("1", ("a:1",), ("quay.io/b@sha256:00", "a@sha256:00"))
    untagged = Image("0", (), ("quay.io/a@sha256:00",))

    assert crictl_less(untagged, tagged)
    assert not crictl_less(tagged, untagged)


def test_crictl_less_compares_ids_otherwise():
    tagged_only = Image("1", ("a:1",), ())
    digest_only = Image("2", (), ("a@sha256:00",))
    bare = Image("0")

    assert crictl_less(tagged_only, digest_only)
    assert crictl_less(bare, tagged_only)
    assert crictl_less(bare, digest_only)


def test_crictl_less_is_not_transitive():
    # Each pair is compared by another field: ID, then digest, then tag.
    tagged_only = Image("1", ("z:1",), ())
    digest_only = Image("2", (), ("a@sha256:00",))
    tagged_with_digest = Image("0", ("a:1",), ("b@sha256:00",))

    assert crictl_less(tagged_only, digest_only)
    assert crictl_less(digest_only, tagged_with_digest)
    assert crictl_less(tagged_with_digest, tagged_only)


@pytest.mark.parametrize("length", [2, 5, 12])
def test_insertion_sort_is_stable(length):
    items = [(0, position) for position in range(length)]

    go_sort(items, lambda a, b: a[0] < b[0])

    assert items == [(0, position) for position in range(length)]


@pytest.mark.parametrize("length", [0, 1, 2, 12, 13, 49, 50, 51, 64, 127, 128, 1000, 4096])
@pytest.mark.parametrize(
    "shape", ["random", "few_values", "sorted", "reversed", "organ_pipe", "nearly_sorted"]
)
def test_go_sort_sorts_strict_weak_order(length, shape):
    rng = random.Random(length * 31 + len(shape))
    if shape == "random":
        items = [rng.randrange(10**9) for _ in range(length)]
    elif shape == "few_values":
        items = [rng.randrange(4) for _ in range(length)]
    elif shape == "sorted":
        items = list(range(length))
    elif shape == "reversed":
        items = list(range(length, 0, -1))
    elif shape == "organ_pipe":
        items = list(range(length // 2)) + list(range(length - length // 2, 0, -1))
    else:
        items = list(range(length))
        for _ in range(3):
            if length:
                i, j = rng.randrange(length), rng.randrange(length)
                items[i], items[j] = items[j], items[i]
    expected = sorted(items)

    go_sort(items, lambda a, b: a < b)

    assert items == expected


def test_always_true_relation_falls_back_to_heapsort(monkeypatch):
    events = []
    original_heap_sort = sorting._heap_sort
    original_break_patterns = sorting._break_patterns

    def recording_heap_sort(data, a, b, less):
        events.append(("heap_sort", a, b))
        original_heap_sort(data, a, b, less)

    def recording_break_patterns(data, a, b):
        events.append(("break_patterns", a, b))
        original_break_patterns(data, a, b)

    monkeypatch.setattr(sorting, "_heap_sort", recording_heap_sort)
    monkeypatch.setattr(sorting, "_break_patterns", recording_break_patterns)
    items = list(range(200))

    go_sort(items, lambda a, b: True)

    # Every partition puts all elements but the pivot on its left, so each one is
    # unbalanced and the next round starts with breakPatterns. SortFunc allows
    # bits.Len(200) == 8 such rounds. After 9 partitions, heapsort gets the first 191.
    assert [name for name, _, _ in events] == ["break_patterns"] * 8 + ["heap_sort"]
    assert events[-1] == ("heap_sort", 0, 191)
    assert sorted(items) == list(range(200))


def test_heap_sort_sorts_only_its_range():
    rng = random.Random(5)
    items = [rng.randrange(1000) for _ in range(100)]
    expected = items[:10] + sorted(items[10:90]) + items[90:]

    sorting._heap_sort(items, 10, 90, lambda a, b: a < b)

    assert items == expected


def test_partial_insertion_sort_walks_past_range_start():
    # Go bounds the leftward walk by index 1 of the whole slice, not by the range start,
    # so an element can move into data[:a]. pdqsort cannot reach this with a strict weak
    # order, because data[a - 1] is then never greater than an element of the range.
    data = [100, 10, 20, 5] + list(range(21, 71))
    expected = [5, 100, 10, 20] + list(range(21, 71))

    finished = sorting._partial_insertion_sort(data, 1, len(data), lambda a, b: a < b)

    assert finished
    assert data == expected


def test_partial_insertion_sort_leaves_short_ranges_alone():
    data = [1, 2, 0] + list(range(3, 40))
    before = list(data)

    finished = sorting._partial_insertion_sort(data, 0, len(data), lambda a, b: a < b)

    assert not finished
    assert data == before


def test_decreasing_range_is_reversed_before_sorting():
    # A 100-element decreasing range makes all 12 pivot comparisons find a reversed pair.
    items = list(range(100, 0, -1))
    calls = []

    def counting_less(a, b):
        calls.append((a, b))
        return a < b

    go_sort(items, counting_less)

    assert items == list(range(1, 101))
    # After the reversal, one scan of the partial insertion sort finds the range sorted:
    # 12 comparisons for the pivot and 99 for the scan.
    assert len(calls) == 12 + 99
