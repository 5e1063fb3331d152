"""Settings: defaults, round trip, private file, malformed files."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from photocheck.core.settings import SETTINGS_FILE, Settings, config_dir


def test_round_trip_and_private_file(private_config: str) -> None:
    s = Settings(folders=["/photos/a", "/photos/b"], language="nl", faces=False)
    s.save()
    path = Path(private_config) / SETTINGS_FILE
    assert config_dir() == Path(private_config)
    assert Settings.load() == s
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in Path(private_config).iterdir()] == [SETTINGS_FILE]  # no temp left


@pytest.mark.parametrize("content", ["", "{", "[]", '{"folders": "x"}',
                                     '{"language": "xx", "faces": "yes", "view_mode": 3}'])
def test_malformed_settings_fall_back_to_defaults(private_config: str, content: str) -> None:
    (Path(private_config) / SETTINGS_FILE).write_text(content)
    s = Settings.load()
    assert s.folders == [] and s.language == "" and s.faces is True and s.view_mode == "grid"


def test_unknown_keys_are_ignored_and_known_kept(private_config: str) -> None:
    (Path(private_config) / SETTINGS_FILE).write_text(json.dumps(
        {"folders": ["/p"], "future_option": 1, "include_hidden": True}))
    s = Settings.load()
    assert s.folders == ["/p"] and s.include_hidden is True
