from __future__ import annotations

import os
from pathlib import Path

import pytest

from photocheck.core.discover import discover, find_sidecars

from . import fixtures as fx


def names(photos) -> list[str]:
    return sorted(os.path.basename(p.path) for p in photos)


def test_photos_are_recognised_by_content_not_name(tmp_path: Path) -> None:
    (tmp_path / "real.dat").write_bytes(fx.jpeg_bytes())
    (tmp_path / "fake.jpg").write_text("not a photo at all")
    (tmp_path / "notes.txt").write_text("hello")
    problems: list = []
    found = list(discover([str(tmp_path)], on_problem=lambda p, m: problems.append(p)))
    # a file named as a photo is listed even when its content is none (to be reported as
    # not checked); one neither named nor made as a photo is not
    assert names(found) == ["fake.jpg", "real.dat"]
    assert [p.format for p in found] == ["", "JPEG"]


def test_hidden_folders_skipped_unless_asked(tmp_path: Path) -> None:
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "a.jpg").write_bytes(fx.jpeg_bytes())
    (tmp_path / "b.jpg").write_bytes(fx.jpeg_bytes())
    assert names(discover([str(tmp_path)])) == ["b.jpg"]
    assert names(discover([str(tmp_path)], include_hidden=True)) == ["a.jpg", "b.jpg"]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.jpg").write_bytes(fx.jpeg_bytes())
    os.symlink(tmp_path, sub / "loop")
    assert names(discover([str(tmp_path)])) == ["a.jpg"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root can read any folder")
def test_unreadable_folder_is_reported_and_skipped(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "ok.jpg").write_bytes(fx.jpeg_bytes())
    locked.chmod(0)
    try:
        problems: list = []
        found = list(discover([str(tmp_path)], on_problem=lambda p, m: problems.append(p)))
    finally:
        locked.chmod(0o700)
    assert names(found) == ["ok.jpg"]
    assert problems == [str(locked)]


@pytest.mark.skipif(os.name != "posix", reason="bytes file names are a POSIX thing")
def test_non_utf8_file_name(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(str(tmp_path)), b"caf\xe9.jpg")
    with open(raw, "wb") as f:
        f.write(fx.jpeg_bytes())
    found = list(discover([str(tmp_path)]))
    assert len(found) == 1 and os.fsencode(found[0].path) == raw


def test_missing_root_is_a_problem(tmp_path: Path) -> None:
    problems: list = []
    assert list(discover([str(tmp_path / "nope")],
                         on_problem=lambda p, m: problems.append(m))) == []
    assert [m.code for m in problems] == ["path.os_error"]
    assert problems[0].text().startswith("cannot be opened: ")


@pytest.mark.parametrize("photo,sidecar", [
    ("IMG_1.jpg", "IMG_1.xmp"), ("IMG_1.jpg", "IMG_1.jpg.xmp"), ("IMG_1.JPG", "img_1.XMP"),
    ("IMG_1.jpg", "IMG_1.jpg.json"), ("IMG_1.jpg", "IMG_1.jpg.supplemental-metadata.json"),
    ("IMG_1.jpg", "IMG_1.jpg.supplemental-metad.json"), ("IMG_1.jpg", "IMG_1.jpg.suppl.json"),
    ("IMG_1(1).jpg", "IMG_1.jpg(1).json"),
    ("IMG_1(1).jpg", "IMG_1.jpg.supplemental-metadata(1).json"),
    ("IMG_1-edited.jpg", "IMG_1.jpg.json"), ("IMG_1-bewerkt.jpg", "IMG_1.jpg.json"),
    ("Screenshot_20240101-120000_A_very_long_name.jpg",
     "Screenshot_20240101-120000_A_very_long_name.j.json"),
])
def test_sidecar_pairing(photo: str, sidecar: str) -> None:
    assert find_sidecars(photo, [photo, sidecar], "/d") == (os.path.join("/d", sidecar),)


@pytest.mark.parametrize("photo,other", [
    ("IMG_1.jpg", "IMG_10.jpg.json"), ("IMG_1.jpg", "IMG_1.jpg(1).json"),
    ("IMG_1(1).jpg", "IMG_1.jpg.json"), ("IMG_1.jpg", "IMG_12.xmp"),
])
def test_sidecar_not_paired_with_another_photo(photo: str, other: str) -> None:
    assert find_sidecars(photo, [photo, other], "/d") == ()


def test_large_export_folder_pairs_each_photo_with_its_own_sidecars(tmp_path: Path) -> None:
    # an export folder: one JSON per photo, short names sharing their first characters
    names = []
    for i in range(300):
        (tmp_path / f"P{i}.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(60))
        (tmp_path / f"P{i}.jpg.supplemental-metadata.json").write_text("{}")
        names.append(f"P{i}.jpg")
    (tmp_path / "P7.xmp").write_text("<x/>")
    photos = {Path(p.path).name: [Path(s).name for s in p.sidecars]
              for p in discover([str(tmp_path)])}
    assert len(photos) == 300
    for name in names:
        expected = [f"{name}.supplemental-metadata.json"]
        if name == "P7.jpg":
            expected = ["P7.jpg.supplemental-metadata.json", "P7.xmp"]
        assert photos[name] == expected, name


def _paths(photos) -> list[str]:
    return [p.path for p in photos]


def test_overlapping_roots_give_each_photo_once(tmp_path: Path) -> None:
    """A photo named on its own and inside a folder also named, folders inside folders,
    the same folder twice: each photo is found once, whatever the order of the roots."""
    (tmp_path / "a.jpg").write_bytes(fx.jpeg_bytes())
    (tmp_path / "a.xmp").write_bytes(fx.xmp_packet("<photoshop:City>Delft</photoshop:City>"))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.jpg").write_bytes(fx.jpeg_bytes())
    top, a, b = str(tmp_path), str(tmp_path / "a.jpg"), str(sub / "b.jpg")
    for roots in ([top, a], [a, top], [top, str(sub)], [str(sub), top], [top, top],
                  [a, a, top, str(sub), b], [b, str(sub)]):
        found = _paths(discover(roots))
        assert sorted(found) == sorted(set(found)), roots
        assert names(discover(roots)) == (["b.jpg"] if roots == [b, str(sub)]
                                          else ["a.jpg", "b.jpg"]), roots
    # the photo named on its own keeps its sidecar
    [photo] = [p for p in discover([a, top]) if p.path == a]
    assert photo.sidecars == (str(tmp_path / "a.xmp"),)


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt",
                    reason="symbolic links need privileges on Windows")
def test_a_photo_reached_through_a_link_is_found_once(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(fx.jpeg_bytes())
    os.symlink(folder / "a.jpg", folder / "link-to-a.jpg")
    os.symlink(folder, tmp_path / "same-folder")
    found = _paths(discover([str(folder), str(tmp_path / "same-folder"),
                             str(tmp_path / "same-folder" / "a.jpg")]))
    assert found == [str(folder / "a.jpg")]
