"""A plain (non-editable) install puts the commands at criimages.cli and nowhere else."""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def test_plain_install_runs_outside_repository(tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    target = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    # The new venv borrows this interpreter's installed packages (click, rich, setuptools) through a
    # .pth file, so the install needs no network. criimages itself is installed into the venv.
    borrowed = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (target / "borrowed.pth").write_text("\n".join(borrowed) + "\n")

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(REPOSITORY)],
        check=True,
        cwd=tmp_path,
    )
    help_run = subprocess.run([python, "-m", "criimages", "--help"], capture_output=True, text=True, cwd=tmp_path)
    location = subprocess.run([python, "-c", "import criimages.cli; print(criimages.cli.__file__)"], capture_output=True, text=True, cwd=tmp_path)

    assert help_run.returncode == 0, help_run.stderr
    assert "List the images of a CRI-O node" in help_run.stdout
    assert location.stdout.strip() == str(target / "criimages" / "cli" / "__init__.py")
    assert not (target / "cli").exists()
