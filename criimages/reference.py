"""Parse and normalize image names with the docker reference grammar, as containers/image does.

The grammar and the normalization rules are those of containers/image v5 `docker/reference`
(`regexp.go`, `reference.go`, `normalize.go`) and of go-digest's `Digest.Validate`, which CRI-O
uses to read every stored name.
"""

import re
from typing import NamedTuple

from criimages.errors import InvalidReference

# docker/reference/regexp.go, written out as Python patterns. Go's \w is ASCII only, hence re.ASCII.
_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALPHANUMERIC}(?:{_SEPARATOR}{_ALPHANUMERIC})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*"
_IPV6_ADDRESS = r"\[[a-fA-F0-9:]+\]"
_DOMAIN = rf"(?:{_DOMAIN_NAME}|{_IPV6_ADDRESS})(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"

_REFERENCE = re.compile(rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII)

NAME_MAX_LENGTH = 255

# go-digest: the algorithms it can validate and the length of their hex encoding.
DIGEST_HEX_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_LOWER_HEX_DIGITS = "0123456789abcdef"

# No valid reference is longer than a 255-character name, a 128-character tag and a sha512 digest.
# Longer input is rejected before matching, which keeps matching time bounded.
_REFERENCE_MAX_LENGTH = NAME_MAX_LENGTH + 1 + 128 + 1 + len("sha512:") + 128

DEFAULT_DOMAIN = "docker.io"
_LEGACY_DEFAULT_DOMAIN = "index.docker.io"
_OFFICIAL_REPOSITORY_PREFIX = "library/"


class Reference(NamedTuple):
    """A parsed, fully qualified image reference: repository, optional tag, optional digest."""

    repository: str
    tag: str = ""
    digest: str = ""

    def __str__(self) -> str:
        text = self.repository
        if self.tag:
            text += ":" + self.tag
        if self.digest:
            text += "@" + self.digest
        return text


def is_image_id(text: str) -> bool:
    """Tell whether text is a full storage image ID: 64 lowercase hex digits."""
    # Stripping every lowercase hex digit from both ends leaves nothing only for lowercase hex text.
    return len(text) == 64 and not text.strip(_LOWER_HEX_DIGITS)


def validate_digest(text: str) -> str | None:
    """Return why go-digest rejects text as a digest, or None when it is valid."""
    algorithm, separator, encoded = text.partition(":")
    if not separator or not algorithm or not encoded:
        return "invalid checksum digest format"
    expected_length = DIGEST_HEX_LENGTHS.get(algorithm)
    if expected_length is None:
        return "unsupported digest algorithm"
    if len(encoded) != expected_length:
        return "invalid checksum digest length"
    # Stripping every lowercase hex digit from both ends leaves nothing only for lowercase hex text.
    if encoded.strip(_LOWER_HEX_DIGITS):
        return "invalid checksum digest format"
    return None


def split_domain(name: str) -> tuple[str, str]:
    """Split a name into its registry domain and the rest, adding docker.io and library/ for short names."""
    slash = name.find("/")
    if slash == -1:
        domain, remainder = DEFAULT_DOMAIN, name
    else:
        first = name[:slash]
        if "." in first or ":" in first or first == "localhost":
            domain, remainder = first, name[slash + 1 :]
        else:
            domain, remainder = DEFAULT_DOMAIN, name

    if domain == _LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in remainder:
        remainder = _OFFICIAL_REPOSITORY_PREFIX + remainder
    return domain, remainder


def parse_normalized(text: str) -> Reference:
    """Parse a stored or typed image name into its fully qualified form, as ParseNormalizedNamed does.

    Raises InvalidReference with containers/image's wording when the name is not valid.
    """
    if is_image_id(text):
        raise InvalidReference(f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings")

    domain, remainder = split_domain(text)
    colon = remainder.find(":")
    remote_name = remainder if colon == -1 else remainder[:colon]
    if remote_name.lower() != remote_name:
        raise InvalidReference("invalid reference format: repository name must be lowercase")

    return parse(domain + "/" + remainder)


def parse(text: str) -> Reference:
    """Parse a reference that is already fully qualified, as docker/reference's Parse does."""
    match = _REFERENCE.fullmatch(text) if len(text) <= _REFERENCE_MAX_LENGTH else None
    if match is None:
        if not text:
            raise InvalidReference("repository name must have at least one component")
        if len(text) <= _REFERENCE_MAX_LENGTH and _REFERENCE.fullmatch(text.lower()):
            raise InvalidReference("invalid reference format: repository name must be lowercase")
        raise InvalidReference("invalid reference format")

    repository, tag, digest = match.group(1, 2, 3)
    if len(repository) > NAME_MAX_LENGTH:
        raise InvalidReference(f"repository name must not be more than {NAME_MAX_LENGTH} characters")
    if digest:
        problem = validate_digest(digest)
        if problem:
            raise InvalidReference(f"{problem}: {digest}")
    return Reference(repository, tag or "", digest or "")
