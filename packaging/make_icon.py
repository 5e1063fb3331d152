"""Render photocheck's icon (an SVG) as a 512 px PNG, for the Windows and macOS bundles
(PyInstaller turns a PNG into their .ico and .icns with Pillow).

    python packaging/make_icon.py OUT.png
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SVG = (Path(__file__).resolve().parents[1] / "photocheck" / "resources"
       / "io.github.photocheck.PhotoCheck.svg")


def main(out: str, side: int = 512) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        sys.stderr.write(f"cannot read {SVG}\n")
        return 1
    image = QImage(side, side, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    ok = image.save(out, b"PNG")
    del app
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
