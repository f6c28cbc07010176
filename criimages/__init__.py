"""criimages: list the images of a CRI-O node from its containers/storage store, as crictl prints them."""

__version__ = "0.1.0"
