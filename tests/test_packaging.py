"""What a built wheel holds: the icon, desktop file and metainfo the app shows or
installs, and the compiled translations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_built_wheel_holds_the_icon_desktop_files_and_translations(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("photocheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    app_id = "io.github.photocheck.PhotoCheck"
    assert {f"photocheck/resources/{app_id}.svg", f"photocheck/resources/{app_id}.desktop",
            f"photocheck/resources/{app_id}.metainfo.xml",
            "photocheck/locale/nl/LC_MESSAGES/photocheck.mo"} <= names
    # every source module is in it, and nothing from the tests
    modules = {str(p.relative_to(ROOT)).replace("\\", "/")
               for p in (ROOT / "photocheck").rglob("*.py")}
    assert modules <= names
    assert not any(n.startswith("tests/") for n in names)
