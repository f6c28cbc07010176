#!/usr/bin/env python3
"""Time criimages against the floor on synthetic stores, and write the medians as a Markdown table.

For each store size it runs, in one session and several times each: `criimages list --digests`,
`list -o json`, `list -q`, the floor (bench/floor.py: parse both JSON files and read every manifest
and config) and `podman images` when podman is installed (with a time limit). It also compares a
listing of a 3-image store with `python -c pass` run by the same interpreter. Reported per command:
the median wall time, its ratio to the floor of the same size, and the peak resident set size.

Usage: bench/run.py [--sizes 1000,10000,50000] [--runs 5] [--stores DIR] [--output FILE]
Stores are generated once under --stores (default: /tmp/criimages-bench) and reused when present.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PODMAN_TIME_LIMIT = 120.0


def measure(command: list[str], runs: int, time_limit: float | None = None) -> tuple[float, float] | None:
    """Run command `runs` times; return (median seconds, peak RSS in MiB), or None if it timed out."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = None if time_limit is None else start + time_limit
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return None
            time.sleep(0.002)
        walls.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"bench: {' '.join(command)} failed: {process.stderr.read().decode(errors='replace')}")
    return statistics.median(walls), max(peaks)


def store_for(stores: Path, size: int) -> Path:
    root = stores / f"store-{size}"
    if not (root / "vfs-images" / "images.json").exists():
        print(f"generating {size} images in {root} ...", file=sys.stderr)
        # In a child process: a child forked from a large parent reports the parent's memory as its
        # own peak RSS, so this process must stay small.
        subprocess.run([sys.executable, str(HERE / "generate_store.py"), "--images", str(size), "--seed", "1", str(root)], check=True)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated image counts")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is reported)")
    parser.add_argument("--stores", type=Path, default=Path("/tmp/criimages-bench"), help="folder for the generated stores")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    arguments = parser.parse_args()

    python = sys.executable
    criimages = [python, "-c", "from criimages.cli import run; run()"]
    # Compile the package's modules as pip does when it installs one. An editable install leaves
    # that to the first run, and with PYTHONDONTWRITEBYTECODE set every run would compile them.
    subprocess.run([python, "-c", "import compileall, criimages, os; compileall.compile_dir(os.path.dirname(criimages.__file__), quiet=1)"], check=True)
    subprocess.run([python, "-c", "import compileall, criimages.cli, os; compileall.compile_dir(os.path.dirname(criimages.cli.__file__), quiet=1)"], check=True)
    empty_conf = arguments.stores / "empty.conf"
    arguments.stores.mkdir(parents=True, exist_ok=True)
    empty_conf.write_text("")
    podman = shutil.which("podman")

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}; Python {platform.python_version()} "
        f"({python}). Median of {arguments.runs} runs, warm page cache.",
        "",
        "| images | command | median (s) | × floor | peak RSS (MiB) |",
        "|---|---|---|---|---|",
    ]
    podman_timed_out = False
    for size in [int(value) for value in arguments.sizes.split(",")]:
        root = store_for(arguments.stores, size)
        base = [*criimages, "--storage-conf", str(empty_conf), "--crio-config", str(empty_conf), "--crio-config-dir", str(arguments.stores / "none"),
                "--root", str(root), "--storage-driver", "vfs"]
        floor = measure([python, str(HERE / "floor.py"), str(root)], arguments.runs)
        assert floor is not None
        commands = {
            "floor (bench/floor.py)": floor,
            "criimages list --digests": measure([*base, "list", "--digests"], arguments.runs),
            "criimages list -o json": measure([*base, "list", "-o", "json"], arguments.runs),
            "criimages list -q": measure([*base, "list", "-q"], arguments.runs),
        }
        if podman and not podman_timed_out:
            podman_command = [podman, "--root", str(root), "--runroot", str(arguments.stores / "run"), "--storage-driver", "vfs", "images"]
            commands["podman images"] = measure(podman_command, 1, PODMAN_TIME_LIMIT)
            # podman's listing grows with the square of the image count: a larger store would only time out too.
            podman_timed_out = commands["podman images"] is None
        for name, result in commands.items():
            if result is None:
                lines.append(f"| {size:,} | {name} | over {PODMAN_TIME_LIMIT:g} s (one run) | | |")
                continue
            wall, peak = result
            lines.append(f"| {size:,} | {name} | {wall:.3f} | {wall / floor[0]:.2f} | {peak:.1f} |")

    tiny = store_for(arguments.stores, 3)
    startup = measure([python, "-c", "pass"], arguments.runs * 4)
    tiny_run = measure([*criimages, "--storage-conf", str(empty_conf), "--crio-config", str(empty_conf), "--crio-config-dir",
                        str(arguments.stores / "none"), "--root", str(tiny), "--storage-driver", "vfs", "list"], arguments.runs * 4)
    assert startup is not None and tiny_run is not None
    lines += [
        "",
        "| tiny store (3 images) | median (s) | × `python -c pass` |",
        "|---|---|---|",
        f"| `python -c pass` | {startup[0]:.3f} | 1.00 |",
        f"| criimages list | {tiny_run[0]:.3f} | {tiny_run[0] / startup[0]:.2f} |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if arguments.output:
        arguments.output.write_text(text)


if __name__ == "__main__":
    main()
