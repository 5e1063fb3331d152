"""Desktop integration files: one app id everywhere, English and Dutch texts, valid."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from photocheck.core.settings import APP_ID
from photocheck.gui.app import icon_path

RESOURCES = Path(__file__).resolve().parent.parent / "photocheck" / "resources"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _validator(name: str) -> str | None:
    """The validating tool, if this machine has it; in CI (.ci/run installs them) it
    must be there."""
    found = shutil.which(name)
    if found is None and os.environ.get("CI"):
        pytest.fail(f"{name} is missing: .ci/run installs it")
    return found


def test_desktop_file_uses_the_app_id_and_a_real_command() -> None:
    path = RESOURCES / f"{APP_ID}.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "photocheck-gui"
    assert "Comment[nl]" in entry and "GenericName[nl]" in entry
    pyproject = (RESOURCES.parent.parent / "pyproject.toml").read_text()
    assert 'photocheck-gui = "photocheck.gui.app:main"' in pyproject
    validator = _validator("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_metainfo_names_the_same_app_in_english_and_dutch() -> None:
    path = RESOURCES / f"{APP_ID}.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    summaries = {s.get(XML_LANG): s.text for s in root.findall("summary")}
    assert set(summaries) == {None, "nl"}
    paragraphs = root.find("description").findall("p")  # type: ignore[union-attr]
    assert {p.get(XML_LANG) for p in paragraphs} == {None, "nl"}
    validator = _validator("appstreamcli")
    if validator:
        result = subprocess.run([validator, "validate", "--no-net", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_icon_is_an_svg_the_app_finds() -> None:
    icon = icon_path()
    assert icon is not None and icon.name == f"{APP_ID}.svg"
    root = ET.parse(icon).getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 128 128"


@pytest.mark.slow
def test_qt_uses_the_app_id(qtbot) -> None:
    from PySide6.QtGui import QGuiApplication

    from photocheck.gui.app import configure_application

    configure_application(QGuiApplication.instance())  # type: ignore[arg-type]
    assert QGuiApplication.desktopFileName() == APP_ID
