"""The Linux app as built (packaging/linux/build.sh): its size, and how long it takes to
start, side by side with the same commands run by Python from the project's environment.

    python benchmarks/bench_bundle.py [DIST]      # DIST: build.sh's output (default dist)

Start-up is timed for `photocheck --version` (the program loads and ends) and for the
window opened offscreen on a folder of two photos until its screenshot is written and
it closes (`--screenshot`); each the first time (after the system was asked to drop its
page cache, where that is allowed: a cold start) and the best of five.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "packaging"))

import smoke  # noqa: E402


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def drop_caches() -> bool:
    """Ask the kernel to forget the page cache (root only; refused in most containers)."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist").resolve()
    bundle = dist / "photocheck"
    print(f"Linux bundle in {dist}:")
    print(f"  {'bundle folder':<40}{size(bundle) / 1e6:7.1f} MB "
          f"({sum(1 for _ in bundle.rglob('*'))} files)")
    for packed in sorted(dist.glob("photocheck*.tar.gz")) + sorted(dist.glob("*.deb")):
        print(f"  {packed.name:<40}{size(packed) / 1e6:7.1f} MB")
    cli, app = smoke.programs(bundle)
    python = [sys.executable, "-m", "photocheck"]
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        root = Path(tmp)
        (root / "home").mkdir()
        smoke.make_samples(root / "samples")
        env = smoke.scratch_env(root / "home")
        py_env = dict(env, PATH=os.environ["PATH"])
        shot = ["--screenshot", str(root / "shot.png"), str(root / "samples")]
        rows = [("photocheck --version", [*cli, "--version"], [*python, "--version"]),
                ("the window on 2 photos, shown and closed", app + shot, python + shot)]
        cold = drop_caches()
        mode = ("first run after dropping the page cache" if cold
                else "first run (the page cache could not be dropped here)")
        print(f"\nstart-up, seconds ({mode}; best of 5)")
        print(f"  {'':<42}{'bundle':>16}{'python -m (venv)':>22}")
        for label, bundled, reference in rows:
            if cold:
                drop_caches()
            first = timed(bundled, env)
            if cold:
                drop_caches()
            first_ref = timed(reference, py_env)
            best = min(timed(bundled, env) for _ in range(5))
            best_ref = min(timed(reference, py_env) for _ in range(5))
            print(f"  {label:<42}{first:>7.2f} / {best:>5.2f}{first_ref:>13.2f} / "
                  f"{best_ref:>5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
