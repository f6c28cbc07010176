"""Read a containers/storage store without changing it: images.json, layers.json and big data.

The on-disk format is that of containers/storage (images.go, layers.go, store.go), the library
CRI-O uses. Every file is opened read-only, and the only lock taken is the shared fcntl read lock
that containers/storage readers take on images.lock and layers.lock.
"""

import base64
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from criimages.config import StoreConfig
from criimages.errors import ImageError, StoreError
from criimages.files import describe_json_error, json_type, list_directory, loads_json, read_file
from criimages.logs import Logger
from criimages.reference import is_image_id, validate_digest

log = Logger(__name__)

DEFAULT_LOCK_TIMEOUT = 10.0
_LOCK_POLL_INTERVAL = 0.05

# Big-data keys made only of these characters are used as file names as they are (store.go).
_PLAIN_BIG_DATA_CHARACTERS = frozenset(".0123456789abcdefghijklmnopqrstuvwxyz")

# Go's int64 range: containers/storage fails to load a size outside it.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class StoredImage(NamedTuple):
    """One record of images.json, with the digest list containers/storage computes on load."""

    id: str
    digest: str
    digests: tuple[str, ...]
    names: tuple[str, ...]
    names_history: tuple[str, ...]
    top_layer: str
    metadata: str
    big_data_names: tuple[str, ...]
    big_data_sizes: Mapping[str, int]
    big_data_digests: Mapping[str, str]
    images_dir: Path
    read_only: bool


class Layer(NamedTuple):
    """The fields of a layers.json record that sizes are computed from."""

    id: str
    parent: str
    diff_digest: str
    toc_digest: str
    diff_size: int


class Store(NamedTuple):
    """The images of every image store in listing order, and the layers they may use."""

    images: tuple[StoredImage, ...]
    layers: Mapping[str, Layer]
    layer_names: Mapping[str, str]
    driver: str
    # An ID can appear in several image stores; containers/storage reads big data from the first.
    first_by_id: Mapping[str, StoredImage] = MappingProxyType({})

    def data_owner(self, image: StoredImage) -> StoredImage:
        """Return the record whose big data the store serves for this image's ID: the first one loaded."""
        return self.first_by_id.get(image.id, image)

    def find_layer(self, key: str) -> Layer | None:
        """Look a layer up as containers/storage does: by ID, then by name, then by unique ID prefix."""
        layer = self.layers.get(key)
        if layer is None and key in self.layer_names:
            layer = self.layers[self.layer_names[key]]
        if layer is None and key:
            matches = [layer_id for layer_id in self.layers if layer_id.startswith(key)]
            if len(matches) == 1:
                layer = self.layers[matches[0]]
        return layer


def big_data_file_name(key: str) -> str:
    """Return the file name containers/storage gives the big-data item key (makeBigDataBaseName)."""
    if key and _PLAIN_BIG_DATA_CHARACTERS.issuperset(key):
        return key
    return "=" + base64.standard_b64encode(key.encode()).decode("ascii")


class MissingBigData(ImageError):
    """A big-data file that does not exist."""


def read_big_data(image: StoredImage, key: str) -> bytes:
    """Read one big-data item of an image; raises ImageError when the file is missing or unreadable.

    An image whose big data cannot be read cannot be converted, so --skip-broken skips it.
    """
    # A string path: pathlib's joins cost more than reading the file on the listing's hot path.
    path = f"{image.images_dir}/{image.id}/{big_data_file_name(key)}"
    data = read_file(path, ImageError, "big-data file")
    if data is None:
        raise MissingBigData(f"image {image.id}: big-data item {key!r} is missing ('{path}' not found)")
    return data


def big_data_size(image: StoredImage, key: str) -> int:
    """Return a big-data item's size: the recorded one, else the file's length (BigDataSize in images.go)."""
    size = image.big_data_sizes.get(key)
    if size is not None:
        return size
    path = image.images_dir / image.id / big_data_file_name(key)
    try:
        return path.stat().st_size
    except OSError:
        raise ImageError(
            f"image {image.id}: size of big-data item {key!r} is unknown: no size recorded and '{path}' cannot be read"
        ) from None


def resolve_driver(config: StoreConfig) -> str:
    """Return the storage driver: the configured one, else the only "<driver>-images" folder under the root."""
    if config.driver:
        return config.driver

    root = config.image_store or config.graph_root
    entries = list_directory(root, StoreError, "storage root")
    if entries is None:
        raise StoreError(f"storage root '{root}' does not exist; pass --root, or set graphroot in storage.conf or root in crio.conf")
    found = [entry.name[: -len("-images")] for entry in entries if entry.name.endswith("-images") and entry.is_dir()]

    if len(found) == 1:
        return found[0]
    if not found:
        raise StoreError(f"no storage driver is configured and '{root}' holds no <driver>-images folder; pass --storage-driver")
    listed = ", ".join(found)
    raise StoreError(f"no storage driver is configured and '{root}' holds images of several drivers ({listed}); pass --storage-driver")


class StorePaths(NamedTuple):
    """The folders and files of a store that open_store reads and locks, in containers/storage order."""

    driver: str
    # (DRIVER-images folder, read-only): read-only for additional image stores.
    image_dirs: tuple[tuple[Path, bool], ...]
    # (layers.json or volatile-layers.json, read-only): read-only for additional image stores.
    layer_files: tuple[tuple[Path, bool], ...]
    lock_files: tuple[Path, ...]


def resolve_store_paths(config: StoreConfig) -> StorePaths:
    """Return the image folders, layer files and lock files that the configuration names.

    Raises StoreError when the root or its DRIVER-images folder is missing.
    """
    driver = resolve_driver(config)
    _check_root(config.graph_root)

    # Image stores in containers/storage order: the primary one (imagestore when set, else graphroot),
    # graphroot after an imagestore, then the read-only additional stores.
    image_dirs: list[tuple[Path, bool]] = []
    layer_files: list[tuple[Path, bool]] = []
    lock_files: list[Path] = []
    graph_images = config.graph_root / f"{driver}-images"
    graph_layers = config.graph_root / f"{driver}-layers"
    if config.image_store is not None:
        image_dirs.append((config.image_store / f"{driver}-images", False))
    image_dirs.append((graph_images, False))
    layer_files.append((graph_layers / "layers.json", False))
    if config.image_store is not None:
        layer_files.append((config.image_store / f"{driver}-layers" / "layers.json", False))
    volatile_dir = (config.run_root if config.transient_store else config.graph_root) / f"{driver}-layers"
    layer_files.append((volatile_dir / "volatile-layers.json", False))
    for additional in config.additional_image_stores:
        image_dirs.append((additional / f"{driver}-images", True))
        layer_files.append((additional / f"{driver}-layers" / "layers.json", True))
        layer_files.append((additional / f"{driver}-layers" / "volatile-layers.json", True))

    if not graph_images.is_dir() and config.image_store is None:
        raise StoreError(_missing_images_dir_message(config.graph_root, driver))

    # Lock in the order containers/storage writers do (writeToAllStores in store.go): the layer store
    # first, then the image stores. The other order can deadlock with a writer that holds
    # layers.lock and waits for images.lock, until --lock-timeout expires.
    lock_files.append(graph_layers / "layers.lock")
    for images_dir, _ in image_dirs:
        lock_files.append(images_dir / "images.lock")
    return StorePaths(driver=driver, image_dirs=tuple(image_dirs), layer_files=tuple(layer_files), lock_files=tuple(lock_files))


class ImageRecords(NamedTuple):
    """The records of one images.json as parsed, not yet checked."""

    path: Path
    images_dir: Path
    read_only: bool
    records: list[Any]


class StoreFiles(NamedTuple):
    """The parsed files of a store: unchecked image records and checked layers."""

    driver: str
    image_files: tuple[ImageRecords, ...]
    layers: dict[str, Layer]
    layer_names: dict[str, str]


class StoreBytes(NamedTuple):
    """The bytes of every images.json and layers file of a store, read under its locks.

    None stands for a missing file, and for a file that parse_store_files has parsed: it lets go of
    each file's bytes once parsed, which keeps the peak memory of a large listing down.
    """

    driver: str
    # [images.json, its DRIVER-images folder, read-only, bytes]
    image_files: list[list[Any]]
    # [layers file, bytes]
    layer_files: list[list[Any]]

    def image_bytes(self) -> int:
        """Return the total size of the images.json files not parsed yet."""
        return sum(len(entry[3]) for entry in self.image_files if entry[3])


def read_store_bytes(config: StoreConfig, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> StoreBytes:
    """Read every images.json and layers file that the configuration names, under shared read locks."""
    paths = resolve_store_paths(config)
    with _shared_locks(list(paths.lock_files), lock_timeout):
        image_files = []
        for images_dir, read_only in paths.image_dirs:
            path = images_dir / "images.json"
            image_files.append([path, images_dir, read_only, _read_store_file(path, "images.json")])
        layer_files = [[path, _read_store_file(path, "layers.json")] for path, _ in paths.layer_files]
    return StoreBytes(driver=paths.driver, image_files=image_files, layer_files=layer_files)


def parse_store_files(store_bytes: StoreBytes, image_piece: Callable[[int, bytes], bytes] | None = None) -> StoreFiles:
    """Parse the files; the layers are checked here, the image records by check_images or check_image.

    The layers come first, as containers/storage loads them: their records shrink to Layer records
    before the larger images.json is parsed, which keeps the peak memory down. Without image_piece,
    the bytes of each file are let go once it is parsed. With it, the files keep their bytes, and
    only image_piece(position, text) of the text of each images.json is parsed: a JSON array of
    some of its records (see files.array_piece).
    """
    release = image_piece is None
    layers: dict[str, Layer] = {}
    layer_names: dict[str, str] = {}
    for entry in store_bytes.layer_files:
        path, data = entry
        if release:
            entry[1] = None
        records = _parse_json_array(data, path, "layers.json")
        del data
        _add_layers(records, path, layers, layer_names)
        del records
    image_files = []
    for position, entry in enumerate(store_bytes.image_files):
        path, images_dir, read_only, data = entry
        if release:
            entry[3] = None
        elif data:
            data = image_piece(position, data)
        image_files.append(ImageRecords(path, images_dir, read_only, _parse_json_array(data, path, "images.json")))
        del data
    return StoreFiles(driver=store_bytes.driver, image_files=tuple(image_files), layers=layers, layer_names=layer_names)


def open_store(config: StoreConfig, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Store:
    """Load every image store and layer store that the configuration names, under shared read locks."""
    return build_store(parse_store_files(read_store_bytes(config, lock_timeout)))


def build_store(files: StoreFiles) -> Store:
    """Check every image record and return the store, images in store order."""
    images = [image for source in files.image_files for image in check_images(source)]
    return Store(images=tuple(images), layers=files.layers, layer_names=files.layer_names, driver=files.driver, first_by_id=first_records(images))


def first_records(images: Iterable[StoredImage]) -> dict[str, StoredImage]:
    """Map each image ID to its first record in store order, the one whose big data is read."""
    first: dict[str, StoredImage] = {}
    for image in images:
        first.setdefault(image.id, image)
    return first


def _check_root(root: Path) -> None:
    try:
        os.stat(root)
    except FileNotFoundError:
        raise StoreError(f"storage root '{root}' does not exist; pass --root, or set graphroot in storage.conf or root in crio.conf") from None
    except PermissionError:
        raise StoreError(f"permission denied reading storage root '{root}'; run criimages with sudo") from None
    if not root.is_dir():
        raise StoreError(f"storage root '{root}' is not a directory")


def _missing_images_dir_message(root: Path, driver: str) -> str:
    try:
        present = sorted(entry.name[: -len("-images")] for entry in root.iterdir() if entry.name.endswith("-images"))
    except OSError:
        present = []
    if present:
        listed = ", ".join(present)
        return f"storage root '{root}' holds no {driver}-images folder (images exist for: {listed}); check --storage-driver"
    return f"storage root '{root}' holds no {driver}-images folder: no images were stored with the {driver} driver"


@contextmanager
def _shared_locks(paths: list[Path], timeout: float) -> Iterator[None]:
    """Hold the shared fcntl read lock on each existing lock file, waiting up to timeout seconds for writers.

    A lock file that does not exist is skipped, never created: a reader must not change the store.
    """
    with ExitStack() as stack:
        for path in paths:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            except PermissionError:
                raise StoreError(f"permission denied opening lock file '{path}'; run criimages with sudo") from None
            except OSError as error:
                raise StoreError(f"cannot open lock file '{path}': {error.strerror}") from None
            stack.callback(os.close, fd)
            _lock_shared(fd, path, timeout)
            log.debug("holding the shared read lock on %s", path)
        yield


def _lock_shared(fd: int, path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            # lockf() is fcntl(F_SETLK) with F_RDLCK here, the POSIX lock containers/storage uses.
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise StoreError(f"cannot lock '{path}' for reading: {error.strerror}") from None
        if time.monotonic() >= deadline:
            raise StoreError(
                f"timed out after {timeout:g} s waiting for the read lock on '{path}': another process holds it "
                "for writing; retry, or wait longer with --lock-timeout"
            )
        time.sleep(_LOCK_POLL_INTERVAL)


def _read_json_array(path: Path, what: str) -> list[Any]:
    """Read a JSON array file with containers/storage's rules: missing, empty or null means no records."""
    return _parse_json_array(_read_store_file(path, what), path, what)


def _read_store_file(path: Path, what: str) -> bytes | None:
    data = read_file(path, StoreError, what)
    log.debug("read %s: %s", path, "missing" if data is None else f"{len(data)} bytes")
    return data


def _parse_json_array(data: bytes | None, path: Path, what: str) -> list[Any]:
    if not data:
        return []

    try:
        records = loads_json(data)
    except UnicodeDecodeError as error:
        raise StoreError(f"invalid {what} file '{path}': not UTF-8 ({error.reason} at byte {error.start})") from None
    except ValueError as error:
        raise StoreError(f"invalid JSON in '{path}': {describe_json_error(error)}") from None
    except RecursionError as error:
        raise StoreError(f"invalid JSON in '{path}': {error}") from None
    if records is None:
        return []
    if not isinstance(records, list):
        raise StoreError(f"invalid {what} file '{path}': expected a JSON array, found {json_type(records)}")
    return records


def check_images(source: ImageRecords) -> list[StoredImage]:
    """Check the records of one images.json in order; raises StoreError for the first invalid one."""
    images = [_parse_image(record, index, source.path, source.images_dir, source.read_only) for index, record in enumerate(source.records)]

    # A name claimed by a later image is taken away from the earlier one (images.go load).
    owners: dict[str, int] = {}
    for index, image in enumerate(images):
        for name in image.names:
            earlier = owners.get(name)
            if earlier is not None and earlier != index:
                previous = images[earlier]
                kept = tuple(n for n in previous.names if n != name)
                images[earlier] = previous._replace(names=kept)
        for name in image.names:
            owners[name] = index
    return images


def check_image(source: ImageRecords, index: int) -> StoredImage:
    """Check one record of source, without the rule on names claimed twice that check_images applies.

    The rule needs every record of the file, so the caller must make sure that no name is claimed
    twice before using the result.
    """
    return _parse_image(source.records[index], index, source.path, source.images_dir, source.read_only)


def _parse_image(record: Any, index: int, path: Path, images_dir: Path, read_only: bool) -> StoredImage:
    try:
        return _image_from_record(record, images_dir, read_only)
    except _InvalidRecord as error:
        image_id = record.get("id") if isinstance(record, dict) else None
        where = f"image {image_id}" if isinstance(image_id, str) and is_image_id(image_id) else f"image #{index + 1}"
        raise StoreError(f"invalid '{path}' {where}: {error}") from None


def _image_from_record(record: Any, images_dir: Path, read_only: bool) -> StoredImage:
    if not isinstance(record, dict):
        raise _InvalidRecord(f"expected a JSON object, found {json_type(record)}")
    image_id = _field(record, "id", str)
    if not is_image_id(image_id):
        raise _InvalidRecord(f"image ID {image_id!r} is not 64 lowercase hex digits")

    digest = _field(record, "digest", str)
    sizes = _field(record, "big-data-sizes", dict)
    digests_by_key = _field(record, "big-data-digests", dict)
    for key, size in sizes.items():
        if type(size) is not int or not _INT64_MIN <= size <= _INT64_MAX:
            raise _InvalidRecord(f"big-data-sizes[{key!r}] is not a 64-bit integer: {size!r}")
    for key, value in digests_by_key.items():
        if type(value) is not str:
            raise _InvalidRecord(f"big-data-digests[{key!r}] is not a string: {value!r}")

    # Positional arguments, in StoredImage's field order: keywords cost more for 10,000 records.
    return StoredImage(
        image_id,
        digest,
        _compute_digests(digest, digests_by_key),
        tuple(_string_list(record, "names")),
        tuple(_string_list(record, "names-history")),
        _field(record, "layer", str),
        _field(record, "metadata", str),
        tuple(_string_list(record, "big-data-names")),
        sizes,
        digests_by_key,
        images_dir,
        read_only,
    )


def _compute_digests(digest: str, digests_by_key: Mapping[str, str]) -> tuple[str, ...]:
    """Return the image's digest list as recomputeDigests (images.go) builds it.

    The list is `digest` followed by the distinct digests of big-data items whose key starts with
    "manifest". containers/storage walks those items in Go's random map order. criimages puts the
    item "manifest" first and the rest in key order. The order only matters when `digest` is empty.
    """
    found: list[str] = []
    if digest:
        problem = validate_digest(digest)
        if problem:
            raise _InvalidRecord(f"digest {digest!r}: {problem}")
        found.append(digest)
    keys = [key for key in digests_by_key if key.startswith("manifest") and key != "manifest"]
    keys.sort()
    if "manifest" in digests_by_key:
        keys.insert(0, "manifest")
    for key in keys:
        value = digests_by_key[key]
        if value in found:
            # Already validated: the same digest is usually recorded under two or three keys.
            continue
        problem = validate_digest(value)
        if problem:
            raise _InvalidRecord(f"digest {value!r} of big-data item {key!r}: {problem}")
        found.append(value)
    return tuple(found)


def _load_layers(path: Path, layers: dict[str, Layer], layer_names: dict[str, str]) -> None:
    """Add the layers of one layers file; an ID already loaded from an earlier file is skipped (layers.go)."""
    _add_layers(_read_json_array(path, "layers.json"), path, layers, layer_names)


def _add_layers(records: list[Any], path: Path, layers: dict[str, Layer], layer_names: dict[str, str]) -> None:
    for index, record in enumerate(records):
        try:
            _add_layer(record, layers, layer_names)
        except _InvalidRecord as error:
            layer_id = record.get("id") if isinstance(record, dict) else None
            where = f"layer {layer_id!r}" if isinstance(layer_id, str) else f"layer #{index + 1}"
            raise StoreError(f"invalid '{path}' {where}: {error}") from None


def _add_layer(record: Any, layers: dict[str, Layer], layer_names: dict[str, str]) -> None:
    if not isinstance(record, dict):
        raise _InvalidRecord(f"expected a JSON object, found {json_type(record)}")
    layer_id = _field(record, "id", str)
    if _field(record, "flags", dict).get("incomplete") is True:
        # containers/storage deletes an incomplete layer when it loads the store read-write.
        return
    diff_size = _field(record, "diff-size", int)
    if not _INT64_MIN <= diff_size <= _INT64_MAX:
        raise _InvalidRecord(f"diff-size is not a 64-bit integer: {diff_size!r}")
    if layer_id in layers:
        return
    layers[layer_id] = Layer(
        id=layer_id,
        parent=_field(record, "parent", str),
        diff_digest=_field(record, "diff-digest", str),
        toc_digest=_field(record, "toc-digest", str),
        diff_size=diff_size,
    )
    for name in _string_list(record, "names"):
        layer_names.setdefault(name, layer_id)


class _InvalidRecord(Exception):
    """A record field of the wrong type or value; the caller adds the file and record to the message."""


_DEFAULTS: dict[type, Any] = {str: "", int: 0, dict: {}, list: []}
_JSON_NAMES = {str: "a string", int: "an integer", dict: "an object", list: "an array"}


def _field(record: Mapping[str, Any], key: str, kind: type) -> Any:
    """Return record[key] checked against kind; a missing key or JSON null gives Go's zero value."""
    value = record.get(key)
    if type(value) is kind:
        return value
    if value is None:
        return _DEFAULTS[kind]
    if kind is int and type(value) is float:
        raise _InvalidRecord(f"{key} is not a 64-bit integer: {value!r}")
    raise _InvalidRecord(f"{key} must be {_JSON_NAMES[kind]}, found {json_type(value)}")


def _string_list(record: Mapping[str, Any], key: str) -> list[str]:
    values = _field(record, key, list)
    for value in values:
        if type(value) is not str:
            raise _InvalidRecord(f"{key} must be a list of strings, found {json_type(value)} in it")
    return values
