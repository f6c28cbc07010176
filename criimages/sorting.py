"""Order images as `crictl images` does, by porting the sort that crictl runs.

crictl (cri-tools, `cmd/crictl/image.go`) sorts the images from ListImages with Go's
`slices.SortFunc` and a three-level comparator (see `crictl_less`). That comparator is not
transitive when tagged, digest-only and bare images are mixed, so the printed order depends
on the exact comparisons and swaps of Go's pattern-defeating quicksort. `go_sort` repeats
them one for one. The behaviour follows Go's `src/slices/zsortanyfunc.go` (`pdqsortCmpFunc`
and its helpers) and `src/slices/sort.go` (`SortFunc`, `xorshift`, `nextPowerOfTwo`). The
tests check it against orders that crictl printed (tests/fixtures/sort-vectors.json.gz).

Go calls `cmp(x, y) < 0` and nothing else, so every function here takes a `less(x, y)` that
returns that truth value.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
Less = Callable[[T, T], bool]

# Ranges of at most this many elements are sorted by insertion sort.
_MAX_INSERTION = 12
# The pivot is the median of medians of three ("Tukey ninther") from this length on.
_SHORTEST_NINTHER = 50
# Twelve comparisons in the ninther that all found a reversed pair mean a decreasing range.
_MAX_PIVOT_SWAPS = 4 * 3
# The partial insertion sort fixes at most this many out-of-order pairs.
_MAX_SHIFT_STEPS = 5
# The partial insertion sort moves nothing in ranges shorter than this.
_SHORTEST_SHIFTING = 50

_UINT64_MASK = (1 << 64) - 1


def go_sort(items: list[T], less: Less) -> None:
    """Sort items in place with the comparisons and swaps of Go's slices.SortFunc.

    less(x, y) must return what `cmp(x, y) < 0` returns in Go. For a strict weak order the
    result is a sorted list, as from any sort. For other relations it is the list that Go
    leaves behind, which is the point of this function.
    """
    length = len(items)
    # SortFunc allows bits.Len(n) unbalanced partitions before it falls back to heapsort.
    _pdqsort(items, 0, length, length.bit_length(), less)


def crictl_less(a, b) -> bool:
    """Tell whether image a sorts before image b in `crictl images`.

    When both images have tags, crictl compares their first tags. Otherwise, when both have
    repo digests, it compares their first digests, and in all other cases it compares the
    image IDs. Python compares str by code point, which gives the same order as Go's
    byte-wise comparison of the UTF-8 encodings.
    """
    if a.repo_tags and b.repo_tags:
        return a.repo_tags[0] < b.repo_tags[0]
    if a.repo_digests and b.repo_digests:
        return a.repo_digests[0] < b.repo_digests[0]
    return a.id < b.id


def crictl_order(images: Sequence[T]) -> list[T]:
    """Return a new list with the images in the order that `crictl images` prints them.

    The images need the attributes `id`, `repo_tags` and `repo_digests`, and the input order
    must be the order in which CRI-O returns them, because the result depends on it.
    """
    # Sort (first tag, first digest, ID, image) tuples, so that each comparison reads tuple
    # items in place of attributes. None is a missing tag or digest. An empty string is
    # still a present entry, as in Go, where only len() == 0 counts as missing.
    keyed = [
        (
            image.repo_tags[0] if image.repo_tags else None,
            image.repo_digests[0] if image.repo_digests else None,
            image.id,
            image,
        )
        for image in images
    ]
    go_sort(keyed, _keyed_crictl_less)
    return [entry[3] for entry in keyed]


def _keyed_crictl_less(a: tuple, b: tuple) -> bool:
    """Apply the rule of `crictl_less` to the tuples that `crictl_order` builds."""
    tag_a = a[0]
    tag_b = b[0]
    if tag_a is not None and tag_b is not None:
        return tag_a < tag_b
    digest_a = a[1]
    digest_b = b[1]
    if digest_a is not None and digest_b is not None:
        return digest_a < digest_b
    return a[2] < b[2]


def _pdqsort(data: list, a: int, b: int, limit: int, less: Less) -> None:
    """Sort data[a:b] as pdqsortCmpFunc does.

    limit is the number of unbalanced partitions left before the range goes to heapsort.
    The call recurses only into the shorter side of each partition, so at most
    bits.Len(len(data)) calls are active at once.
    """
    was_balanced = True
    was_partitioned = True

    while True:
        length = b - a

        if length <= _MAX_INSERTION:
            _insertion_sort(data, a, b, less)
            return

        if limit == 0:
            _heap_sort(data, a, b, less)
            return

        if not was_balanced:
            _break_patterns(data, a, b)
            limit -= 1

        pivot, swaps = _choose_pivot(data, a, b, less)
        if swaps == _MAX_PIVOT_SWAPS:
            # Every sampled pair was reversed, so Go reverses the range and treats it as
            # increasing. The pivot keeps its element by moving to the mirrored index.
            data[a:b] = data[a:b][::-1]
            pivot = (b - 1) - (pivot - a)
            swaps = 0

        if was_balanced and was_partitioned and swaps == 0:
            if _partial_insertion_sort(data, a, b, less):
                return

        # An element before the range that is not less than the pivot means that the range
        # probably contains many elements equal to the pivot. Go then puts the elements that
        # are not greater than the pivot first and skips over them.
        if a > 0 and not less(data[a - 1], data[pivot]):
            a = _partition_equal(data, a, b, pivot, less)
            continue

        mid, was_partitioned = _partition(data, a, b, pivot, less)

        left_length = mid - a
        right_length = b - mid
        balance_threshold = length // 8
        if left_length < right_length:
            was_balanced = left_length >= balance_threshold
            _pdqsort(data, a, mid, limit, less)
            a = mid + 1
        else:
            was_balanced = right_length >= balance_threshold
            _pdqsort(data, mid + 1, b, limit, less)
            b = mid


def _insertion_sort(data: list, a: int, b: int, less: Less) -> None:
    """Sort data[a:b] by insertion, which keeps the order of equal elements."""
    for i in range(a + 1, b):
        # Go swaps the new element down one place at a time. Holding it in a local and
        # shifting the others up makes the same comparisons and leaves the same list.
        item = data[i]
        j = i
        while j > a and less(item, data[j - 1]):
            data[j] = data[j - 1]
            j -= 1
        data[j] = item


def _heap_sort(data: list, a: int, b: int, less: Less) -> None:
    """Sort data[a:b] with a max-heap rooted at data[a].

    NOTE: none of the crictl vectors in tests/fixtures reaches this fallback.
    """
    size = b - a
    for root in range((size - 1) // 2, -1, -1):
        _sift_down(data, root, size, a, less)
    for end in range(size - 1, -1, -1):
        data[a], data[a + end] = data[a + end], data[a]
        _sift_down(data, 0, end, a, less)


def _sift_down(data: list, root: int, end: int, first: int, less: Less) -> None:
    """Restore the heap property below root in the heap data[first:first + end]."""
    while True:
        child = 2 * root + 1
        if child >= end:
            return
        if child + 1 < end and less(data[first + child], data[first + child + 1]):
            child += 1
        if not less(data[first + root], data[first + child]):
            return
        data[first + root], data[first + child] = data[first + child], data[first + root]
        root = child


def _break_patterns(data: list, a: int, b: int) -> None:
    """Swap three elements near the middle of data[a:b] with pseudo-random ones.

    Go seeds a 64-bit xorshift generator (shifts 13, 7, 17) with the range length. Each output
    is masked below 1 << bits.Len(length) and, if still not below the length, reduced by the
    length once. The three positions are the middle slot a + (length // 4) * 2 and its two
    neighbours, swapped in increasing order.
    """
    length = b - a
    if length < 8:
        return

    state = length
    offset_mask = (1 << length.bit_length()) - 1
    start = a + (length // 4) * 2 - 1
    for position in range(start, start + 3):
        state ^= (state << 13) & _UINT64_MASK
        state ^= state >> 7
        state ^= (state << 17) & _UINT64_MASK
        other = state & offset_mask
        if other >= length:
            other -= length
        data[position], data[a + other] = data[a + other], data[position]


def _choose_pivot(data: list, a: int, b: int, less: Less) -> tuple[int, int]:
    """Return the pivot index for data[a:b] and the number of reversed pairs seen.

    Zero reversed pairs hint that the range is increasing, and _MAX_PIVOT_SWAPS that it is
    decreasing. Ranges of 8 or more use the median of three elements at the quarter points.
    From _SHORTEST_NINTHER on, each of the three is first replaced by the median of itself
    and its two neighbours.
    """
    quarter = (b - a) // 4
    first = a + quarter
    middle = a + quarter * 2
    last = a + quarter * 3
    swaps = 0

    if b - a >= 8:
        if b - a >= _SHORTEST_NINTHER:
            first, found = _median_of_three(data, first - 1, first, first + 1, less)
            swaps += found
            middle, found = _median_of_three(data, middle - 1, middle, middle + 1, less)
            swaps += found
            last, found = _median_of_three(data, last - 1, last, last + 1, less)
            swaps += found
        middle, found = _median_of_three(data, first, middle, last, less)
        swaps += found

    return middle, swaps


def _median_of_three(data: list, x: int, y: int, z: int, less: Less) -> tuple[int, int]:
    """Return the index of the median of data[x], data[y], data[z] and the reversed pairs seen.

    Go always makes the same three comparisons (x with y, then y with z, then x with y
    again, after the indices were exchanged), even when the third cannot change the result.
    Each comparison that finds a reversed pair counts for the sorted hint.
    """
    swaps = 0
    if less(data[y], data[x]):
        x, y = y, x
        swaps += 1
    if less(data[z], data[y]):
        y, z = z, y
        swaps += 1
    if less(data[y], data[x]):
        x, y = y, x
        swaps += 1
    return y, swaps


def _partial_insertion_sort(data: list, a: int, b: int, less: Less) -> bool:
    """Fix up to five out-of-order neighbours in data[a:b] and tell whether it is now sorted.

    Ranges shorter than _SHORTEST_SHIFTING are only checked, never changed.
    """
    i = a + 1
    for _ in range(_MAX_SHIFT_STEPS):
        while i < b and not less(data[i], data[i - 1]):
            i += 1

        if i == b:
            return True
        if b - a < _SHORTEST_SHIFTING:
            return False

        data[i], data[i - 1] = data[i - 1], data[i]

        # Move the smaller element left. Go stops this walk at index 1 of the whole slice,
        # not at a + 1, so it can move an element out of the range into the sorted
        # prefix before a. That only happens when less is not a strict weak order.
        if i - a >= 2:
            j = i - 1
            while j >= 1:
                if not less(data[j], data[j - 1]):
                    break
                data[j], data[j - 1] = data[j - 1], data[j]
                j -= 1

        # Move the greater element right.
        if b - i >= 2:
            j = i + 1
            while j < b:
                if not less(data[j], data[j - 1]):
                    break
                data[j], data[j - 1] = data[j - 1], data[j]
                j += 1

    return False


def _partition(data: list, a: int, b: int, pivot: int, less: Less) -> tuple[int, bool]:
    """Partition data[a:b] around data[pivot] and return its new index.

    Elements less than the pivot end up before it and the others after it. The flag is True
    when the first scan found the range already partitioned, with no swap needed.
    """
    data[a], data[pivot] = data[pivot], data[a]
    pivot_item = data[a]
    # i and j are the first and last index that are still unscanned, both inclusive.
    i = a + 1
    j = b - 1

    while i <= j and less(data[i], pivot_item):
        i += 1
    while i <= j and not less(data[j], pivot_item):
        j -= 1
    if i > j:
        data[j], data[a] = data[a], data[j]
        return j, True
    data[i], data[j] = data[j], data[i]
    i += 1
    j -= 1

    while True:
        while i <= j and less(data[i], pivot_item):
            i += 1
        while i <= j and not less(data[j], pivot_item):
            j -= 1
        if i > j:
            break
        data[i], data[j] = data[j], data[i]
        i += 1
        j -= 1

    data[j], data[a] = data[a], data[j]
    return j, False


def _partition_equal(data: list, a: int, b: int, pivot: int, less: Less) -> int:
    """Move the elements of data[a:b] that are not greater than data[pivot] to the front.

    Returns the index where the greater elements start. Go calls this only when no element
    of the range should be less than the pivot, so the front part is the elements equal to it.
    """
    data[a], data[pivot] = data[pivot], data[a]
    pivot_item = data[a]
    i = a + 1
    j = b - 1

    while True:
        while i <= j and not less(pivot_item, data[i]):
            i += 1
        while i <= j and less(pivot_item, data[j]):
            j -= 1
        if i > j:
            return i
        data[i], data[j] = data[j], data[i]
        i += 1
        j -= 1
