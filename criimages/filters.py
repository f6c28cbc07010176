"""Apply crictl's `images --filter` conditions to a sorted image list (cri-tools cmd/crictl/image.go)."""

from __future__ import annotations

from collections.abc import Sequence

from criimages.convert import CriImage
from criimages.errors import CriimagesError
from criimages.render import split_repo_digest, split_repo_tags

FILTER_KEYS = ("before", "dangling", "reference", "since")


class FilterError(CriimagesError):
    """A --filter value that crictl rejects."""


def apply_filters(images: Sequence[CriImage], filters: Sequence[str]) -> list[CriImage]:
    """Narrow the sorted images by each filter in turn; before and since are positional, not timestamps."""
    result = list(images)
    if not result:
        return result
    for condition in filters:
        key, separator, value = condition.partition("=")
        if not separator or key not in FILTER_KEYS:
            raise FilterError(f"filter images: unknown filter flag: {condition} (expected before=, dangling=, reference= or since=)")
        if key == "before":
            # crictl reverses the list, walks it as for since, and reverses the result back.
            result = _walk_until_match(value, result[::-1])[::-1]
        elif key == "since":
            result = _walk_until_match(value, result)
        elif key == "dangling":
            result = _dangling(value, result)
        else:
            result = _reference(value, result)
    return result


def _walk_until_match(value: str, images: Sequence[CriImage]) -> list[CriImage]:
    """Keep the images before the first one that value names (filterByBeforeSince).

    The form of value picks the comparison: "name:tag" is compared with the first tag pair,
    text without ":" or "@" is an ID prefix, and "name@digest" is a prefix of the first repo digest
    (images without repo digests are dropped). "x@y" without ":" matches no branch, so nothing is kept.
    """
    has_colon, has_at = ":" in value, "@" in value
    kept: list[CriImage] = []
    for image in images:
        if has_colon and not has_at:
            image_name, _ = split_repo_digest(image.repo_digests)
            repository, tag = split_repo_tags(image.repo_tags, image_name)[0]
            if f"{repository}:{tag}" == value:
                break
            kept.append(image)
        elif not has_colon and not has_at:
            if image.id.startswith(value):
                break
            kept.append(image)
        elif has_colon and has_at and image.repo_digests:
            if image.repo_digests[0].startswith(value):
                break
            kept.append(image)
    return kept


def _dangling(value: str, images: Sequence[CriImage]) -> list[CriImage]:
    # Any value other than "true" and "false" keeps nothing, without an error, as in crictl.
    if value == "true":
        return [image for image in images if not image.repo_tags]
    if value == "false":
        return [image for image in images if image.repo_tags]
    return []


def _reference(pattern: str, images: Sequence[CriImage]) -> list[CriImage]:
    """Keep images whose first repo digest's repository matches the RE2 pattern anywhere, or equals it."""
    expression = compile_re2(pattern)
    kept = []
    for image in images:
        image_name, _ = split_repo_digest(image.repo_digests)
        if expression.search(image_name) or image_name == pattern:
            kept.append(image)
    return kept


def compile_re2(pattern: str):
    """Compile pattern with RE2, the engine of Go's regexp, so that crictl's accepted syntax is accepted here.

    Python's re accepts patterns RE2 rejects (look-behind, possessive repeats) and the reverse.
    """
    # Imported here: only --filter reference needs the RE2 extension.
    import re2

    options = re2.Options()
    # Without this, the C++ library writes its own parse-error line to stderr.
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise FilterError(f"filter images: invalid regular expression {pattern!r} in reference filter: {reason}") from None
