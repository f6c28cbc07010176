"""The one exception base of criimages and its kinds."""


class CriimagesError(Exception):
    """A failure that criimages reports as one line on stderr with exit status 1.

    The message is the whole report: it names the file, image or value at fault and what is wrong.
    """


class ConfigError(CriimagesError):
    """A configuration file or option that cannot be used."""


class StoreError(CriimagesError):
    """A store file that is missing, unreadable or malformed."""


class ImageError(CriimagesError):
    """An image that CRI-O would fail to convert, which fails the whole listing as in CRI-O."""


class InvalidReference(CriimagesError):
    """A name that the docker reference grammar rejects."""
