"""Find the store and the CRI-O settings the way CRI-O does, from storage.conf, crio.conf and options."""

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from criimages.errors import ConfigError
from criimages.files import list_directory, read_file
from criimages.logs import Logger

log = Logger(__name__)

# containers/storage defaults for root (types/options.go, options_linux.go).
DEFAULT_GRAPH_ROOT = Path("/var/lib/containers/storage")
DEFAULT_RUN_ROOT = Path("/run/containers/storage")
SYSTEM_STORAGE_CONF = Path("/etc/containers/storage.conf")
VENDOR_STORAGE_CONF = Path("/usr/share/containers/storage.conf")
DEFAULT_CRIO_CONFIG = Path("/etc/crio/crio.conf")
DEFAULT_CRIO_CONFIG_DIR = Path("/etc/crio/crio.conf.d")

# containers/storage rewrites the old driver name (drivers/driver.go).
_DRIVER_ALIASES = {"overlay2": "overlay"}


class Options(NamedTuple):
    """The global command-line options; None means "not given"."""

    storage_conf: Path | None = None
    root: Path | None = None
    storage_driver: str | None = None
    crio_config: Path | None = None
    crio_config_dir: Path | None = None
    registries_conf: Path | None = None


class StoreConfig(NamedTuple):
    """The store's location and driver, after every configuration source is applied."""

    graph_root: Path
    run_root: Path
    driver: str | None
    image_store: Path | None = None
    additional_image_stores: tuple[Path, ...] = ()
    transient_store: bool = False


class Settings(NamedTuple):
    """Everything criimages takes from the configuration files and the global options."""

    store: StoreConfig
    crio: Mapping[str, Any] = MappingProxyType({})
    registries_conf: Path | None = None


def load_settings(options: Options, environ: Mapping[str, str] = os.environ) -> Settings:
    """Resolve the store and CRI-O's settings: storage.conf, then crio.conf and its drop-ins, then options."""
    storage_file = _storage_conf_path(options, environ)
    if options.storage_conf is not None and not storage_file.exists():
        raise ConfigError(f"storage.conf '{storage_file}' given with --storage-conf not found")
    storage = read_toml(storage_file, missing_ok=options.storage_conf is None and "CONTAINERS_STORAGE_CONF" not in environ)
    crio = _read_crio_config(options.crio_config, options.crio_config_dir)
    crio_table = crio.get("crio", {})

    table = _table(storage, "storage", storage_file)
    storage_options = _table(table, "options", storage_file, prefix="storage.")
    graph_root = _path(table, "graphroot", storage_file) or DEFAULT_GRAPH_ROOT
    run_root = _path(table, "runroot", storage_file) or DEFAULT_RUN_ROOT
    driver = _string(table, "driver", storage_file) or None
    image_store = _path(table, "imagestore", storage_file)
    additional = [Path(p) for p in _strings(storage_options, "additionalimagestores", storage_file)]
    transient = _boolean(table, "transient_store", storage_file)

    # containers/storage lets the environment override the file (types/utils.go).
    if environ.get("STORAGE_DRIVER"):
        driver = environ["STORAGE_DRIVER"]
    driver_options = [o for o in environ.get("STORAGE_OPTS", "").split(",") if o]

    crio_source = "the CRI-O configuration"
    graph_root = _path(crio_table, "root", crio_source) or graph_root
    run_root = _path(crio_table, "runroot", crio_source) or run_root
    driver = _string(crio_table, "storage_driver", crio_source) or driver
    image_store = _path(crio_table, "imagestore", crio_source) or image_store
    driver_options += _strings(crio_table, "storage_option", crio_source)

    if options.root is not None:
        graph_root = options.root
    if options.storage_driver:
        driver = options.storage_driver
    if driver is not None:
        driver = _DRIVER_ALIASES.get(driver, driver)

    additional += _additional_stores_from_options(driver_options, driver)
    store = StoreConfig(
        graph_root=graph_root,
        run_root=run_root,
        driver=driver,
        image_store=image_store if image_store != graph_root else None,
        additional_image_stores=tuple(additional),
        transient_store=transient,
    )
    log.debug("store configuration: %s", store)
    return Settings(store=store, crio=crio, registries_conf=options.registries_conf)


def _storage_conf_path(options: Options, environ: Mapping[str, str]) -> Path:
    # CRI-O reads the system file for every user, as DefaultConfigFile in types/options.go does for root.
    if options.storage_conf is not None:
        return options.storage_conf
    if environ.get("CONTAINERS_STORAGE_CONF"):
        return Path(environ["CONTAINERS_STORAGE_CONF"])
    if SYSTEM_STORAGE_CONF.exists():
        return SYSTEM_STORAGE_CONF
    return VENDOR_STORAGE_CONF


def _read_crio_config(main_file: Path | None, drop_in_dir: Path | None) -> dict[str, Any]:
    """Merge crio.conf and then each drop-in file in lexical order; a later setting replaces an earlier one.

    Like CRI-O, criimages skips a configuration file or drop-in directory that does not exist. A
    missing file named on the command line also gets a warning, because it is likely a typo.
    """
    path = main_file or DEFAULT_CRIO_CONFIG
    merged = read_toml(path, missing_ok=True)
    if main_file is not None and not merged and not main_file.exists():
        log.warning("CRI-O configuration file '%s' does not exist; using CRI-O's defaults", main_file)
    _check_crio_types(merged, path)

    for entry in list_directory(drop_in_dir or DEFAULT_CRIO_CONFIG_DIR, ConfigError, "CRI-O drop-in directory") or []:
        if entry.is_file():
            document = read_toml(entry, missing_ok=False)
            _check_crio_types(document, entry)
            _merge(merged, document)
    return merged


# The [crio] and [crio.image] settings criimages uses, with the TOML type CRI-O expects.
_CRIO_SETTINGS: dict[tuple[str, ...], type] = {
    ("crio", "root"): str,
    ("crio", "runroot"): str,
    ("crio", "storage_driver"): str,
    ("crio", "imagestore"): str,
    ("crio", "storage_option"): list,
    ("crio", "image", "pause_image"): str,
    ("crio", "image", "pinned_images"): list,
    ("crio", "image", "short_name_mode"): str,
}


def _check_crio_types(document: Mapping[str, Any], path: Path) -> None:
    """Reject a CRI-O file whose settings have the wrong type, naming the file and the key."""
    for keys, kind in _CRIO_SETTINGS.items():
        table: Any = document
        for key in keys[:-1]:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"invalid configuration in '{path}': [{'.'.join(keys[:-1])}] must be a table")
        if keys[-1] not in table:
            continue
        value = table[keys[-1]]
        if not isinstance(value, kind) or (kind is list and not all(isinstance(item, str) for item in value)):
            expected = "a string" if kind is str else "a list of strings"
            raise ConfigError(f"invalid configuration in '{path}': {'.'.join(keys)} must be {expected}, not {value!r}")


def _merge(target: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def read_toml(path: Path, missing_ok: bool) -> dict[str, Any]:
    """Parse a TOML file; a missing file is an empty document when missing_ok, else an error."""
    data = read_file(path, ConfigError, "configuration file")
    log.debug("read %s: %s", path, "missing" if data is None else f"{len(data)} bytes")
    if data is None:
        if missing_ok:
            log.debug("'%s' does not exist; using defaults", path)
            return {}
        raise ConfigError(f"configuration file '{path}' not found")

    if not data:
        return {}

    # Imported here: an empty or missing file, common for crio.conf, needs no parser.
    if sys.version_info >= (3, 11):
        import tomllib  # novermin - vermin misses this version check inside a function
    else:  # pragma: no cover - Python 3.10 ships no TOML parser
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"invalid configuration file '{path}': not UTF-8 text ({error.reason} at byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML in '{path}': {error}") from None


def _table(data: Mapping[str, Any], key: str, source: object, prefix: str = "") -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"invalid configuration in '{source}': [{prefix}{key}] must be a table")
    return value


def _string(table: Mapping[str, Any], key: str, source: object) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"invalid configuration in '{source}': {key} must be a string, not {value!r}")
    return value


def _path(table: Mapping[str, Any], key: str, source: object) -> Path | None:
    value = _string(table, key, source)
    return Path(value) if value else None


def _boolean(table: Mapping[str, Any], key: str, source: object) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"invalid configuration in '{source}': {key} must be true or false, not {value!r}")
    return value


def _strings(table: Mapping[str, Any], key: str, source: object) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"invalid configuration in '{source}': {key} must be a list of strings, not {value!r}")
    return value


def _additional_stores_from_options(driver_options: Sequence[str], driver: str | None) -> list[Path]:
    """Return the read-only image stores named by driver options such as "overlay.imagestore=/a,/b".

    containers/storage (store.go) accepts the key with or without the driver name in front, as
    "imagestore" and "additionalimagestore", and splits the value on commas.
    """
    stores = []
    for option in driver_options:
        key, separator, value = option.partition("=")
        if not separator:
            continue
        key = key.strip().lower()
        if driver and key.startswith(driver + "."):
            key = key[len(driver) :]
        if key.lstrip(".") in ("imagestore", "additionalimagestore"):
            stores += [Path(part) for part in value.split(",") if part]
    return stores
