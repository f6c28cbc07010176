"""criimages changes nothing in the store, and needs nothing but read access to it.

The non-root tests run criimages as the unprivileged user nobody (uid 65534) through setpriv, on
stores that root owns. Setting those up takes root, so they are skipped for other users. CI runs
as root, so they run there.
"""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CONFORMANCE_STORE, MAIN_SET, isolated_options

REPOSITORY = Path(__file__).resolve().parent.parent
NOBODY = 65534
SYSTEM_PYTHON = Path("/usr/bin/python3")

# The packages that criimages imports, copied for the user nobody: click always, re2 only for
# --filter reference=, rich only for a terminal. rich's own dependencies are left out, because the
# runs as nobody have no terminal.
DEPENDENCIES = ("click", "re2", "rich")

requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a store to root and run criimages as nobody")

# Each command with the exit status it has on the conformance store and its CRI-O configuration.
COMMANDS = [
    pytest.param(["list"], 0, id="list"),
    pytest.param(["list", "-q", "--no-trunc"], 0, id="list-quiet-no-trunc"),
    pytest.param(["list", "--digests", "--no-trunc"], 0, id="list-digests-no-trunc"),
    pytest.param(["list", "-v"], 0, id="list-verbose"),
    pytest.param(["list", "-o", "json"], 0, id="list-json"),
    pytest.param(["list", "-o", "yaml"], 0, id="list-yaml"),
    pytest.param(["list", "--pinned", "--digests"], 0, id="list-pinned"),
    pytest.param(["list", "--filter", "dangling=false", "--filter", "reference=alpine"], 0, id="list-filters"),
    pytest.param(["list", "--filter", "before=docker.io/library/busybox:latest"], 0, id="list-before"),
    pytest.param(["list", "docker.io/library/busybox"], 0, id="list-name"),
    pytest.param(["list", "afba01043a095"], 0, id="list-id-prefix"),
    pytest.param(
        ["list", "docker.io/library/alpine@sha256:762a527f109fd110eaa41671cfa4e34232aa5b76d8b3a192e696f89257aa7b39"],
        0,
        id="list-digest-name",
    ),
    pytest.param(["list", "quay.io/nonexistent/thing"], 0, id="list-no-match"),
    pytest.param(["list", "alpine"], 1, id="list-unresolved-short-name"),
    pytest.param(["inspect"], 0, id="inspect-all"),
    pytest.param(["inspect", "-o", "yaml", "quay.io/example/hello-world:latest"], 0, id="inspect-yaml"),
    pytest.param(["inspect", "-o", "table", "afba01043a095"], 0, id="inspect-table"),
    pytest.param(["inspect", "-q", "registry.k8s.io/pause:3.9"], 0, id="inspect-quiet"),
    pytest.param(["inspect", "docker.io/library/nothing:1"], 1, id="inspect-missing"),
    pytest.param(["node-status"], 0, id="node-status"),
    pytest.param(["node-status", "--max-images", "-1"], 0, id="node-status-all"),
    pytest.param(["check"], 0, id="check"),
]


def add_lock_files(root: Path) -> None:
    """Give the store the lock files containers/storage keeps, with a last-writer token in each."""
    (root / "vfs-images" / "images.lock").write_text("4f1c0e5a9d7b2c3e")
    (root / "vfs-layers" / "layers.lock").write_text("9a8b7c6d5e4f3a2b")


def snapshot(root: Path) -> dict[str, tuple]:
    """Record the name, type, mode, mtime_ns and content of every path under root, root included."""
    state = {}
    for path in [root, *sorted(root.rglob("*"))]:
        status = path.lstat()
        if stat.S_ISDIR(status.st_mode):
            content = None
        elif stat.S_ISLNK(status.st_mode):
            content = os.readlink(path)
        else:
            content = path.read_bytes()
        state[str(path.relative_to(root))] = (stat.S_IFMT(status.st_mode), stat.S_IMODE(status.st_mode), status.st_mtime_ns, content)
    return state


@pytest.mark.parametrize(("arguments", "exit_code"), COMMANDS)
def test_command_changes_nothing(
    invoke, store_copy: Callable[[Path], Path], tmp_path: Path, arguments: list[str], exit_code: int
) -> None:
    root = store_copy(CONFORMANCE_STORE)
    add_lock_files(root)
    options = isolated_options(root, tmp_path, MAIN_SET)
    before = snapshot(root)

    result = invoke(*options, *arguments)
    after = snapshot(root)

    assert result.exit_code == exit_code, result.stderr
    assert sorted(after) == sorted(before)
    assert after == before
    assert not (tmp_path / "run").exists()


# Running as nobody


@pytest.fixture
def shared_directory() -> Iterator[Path]:
    """Create a folder under /tmp that the user nobody can enter, because pytest's tmp_path is mode 700."""
    path = Path(tempfile.mkdtemp(prefix="criimages-nobody-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def install_for_nobody(target: Path) -> Path:
    """Copy criimages and the packages it imports into target/lib and return that folder.

    The repository and its virtual environment may sit under a folder that the user nobody cannot
    enter (/root is mode 700), so the Python run as nobody imports these copies. The cli folder
    becomes criimages.cli, as setup.cfg installs it.
    """
    lib = target / "lib"
    shutil.copytree(REPOSITORY / "criimages", lib / "criimages", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPOSITORY / "cli", lib / "criimages" / "cli", ignore=shutil.ignore_patterns("__pycache__"))
    for name in DEPENDENCIES:
        package = Path(importlib.import_module(name).__file__).parent
        shutil.copytree(package, lib / name, ignore=shutil.ignore_patterns("__pycache__"))
    return lib


def run_as_nobody(lib: Path, cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Run criimages as uid and gid 65534 with no supplementary groups, under Debian's python3."""
    assert shutil.which("setpriv"), "setpriv (util-linux) is needed to run criimages as nobody"
    assert SYSTEM_PYTHON.exists(), f"{SYSTEM_PYTHON} is needed: the virtual environment's Python may be unreachable for nobody"
    command = [
        "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
        str(SYSTEM_PYTHON), "-c", "from criimages.cli import run; run()", *arguments,
    ]
    environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(lib), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environment, timeout=60)


def make_root_only_readable(root: Path) -> None:
    """Give every path under root to root, with the write bits removed and read access for all."""
    for path in [root, *root.rglob("*")]:
        os.chown(path, 0, 0)
        path.chmod(0o555 if path.is_dir() else 0o444)


@requires_root
def test_nobody_lists_read_only_store(shared_directory: Path) -> None:
    lib = install_for_nobody(shared_directory)
    root = shared_directory / "store"
    shutil.copytree(CONFORMANCE_STORE, root)
    add_lock_files(root)
    options = isolated_options(root, shared_directory)
    make_root_only_readable(root)

    result = run_as_nobody(lib, shared_directory, *options, "list")

    assert result.returncode == 0, result.stderr
    assert result.stdout == (MAIN_SET / "cases" / "images.out").read_text()
    assert result.stderr == ""


@requires_root
def test_nobody_unreadable_store_suggests_sudo(shared_directory: Path) -> None:
    lib = install_for_nobody(shared_directory)
    root = shared_directory / "store"
    shutil.copytree(CONFORMANCE_STORE, root)
    add_lock_files(root)
    options = isolated_options(root, shared_directory)
    make_root_only_readable(root)
    images_json = root / "vfs-images" / "images.json"
    images_json.chmod(0o600)

    result = run_as_nobody(lib, shared_directory, *options, "list")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("criimages: ")
    assert f"'{images_json}'" in result.stderr
    assert "sudo" in result.stderr
