"""The command line: a complete front end over the core, with no Qt."""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import gc
import html
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__
from .core.collection import Overview, analyse
from .core.collection.geocode import preload
from .core.engine.scan import CancelToken, Progress, ScanError, Scanner, ScanOptions
from .core.findings import value_text
from .core.i18n import _, language, ngettext
from .core.kinds import KINDS, LINE_KINDS, label, short_guidance
from .core.messages import Message
from .core.model import Finding, Kind, Match, PhotoReport, PhotoState
from .core.paths import escape_table, save_text

if TYPE_CHECKING:  # (imported where used: a scan starts without them)
    from .core.clean.copy import CleanResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


# -- text that came from files --------------------------------------------------------------
#
# File names and what files say (values, sidecar names, messages quoting a path) are
# chosen by whoever made the file. Printed as they are, a name with a line break can fake
# a result line ("nothing found"), and escape sequences can move the cursor, rewrite
# lines or set the window title. Every such text goes through `printable`.


_ESCAPES = escape_table({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})


def printable(text: object) -> str:
    """Text that came from a file (a path, a name, a value, a message that quotes one),
    safe to print on a terminal: control characters, bidirectional controls and the
    bytes of names that are not valid UTF-8 are shown escaped ("\\n", "\\x1b", "\\u202e",
    "\\xe9"); everything else is kept as it is."""
    text = str(text)
    # (every character the table escapes is one Python calls not printable: most texts
    # are returned as they are, without a pass through the table)
    return text if text.isprintable() else text.translate(_ESCAPES)


def _name_bytes(name: str) -> str | None:
    """base64 of a file name's exact bytes (os.fsencode)."""
    try:
        return base64.b64encode(os.fsencode(name)).decode("ascii")
    except UnicodeEncodeError:  # not a name from the file system
        return None


def _is_utf8(name: object) -> bool:
    try:
        str(name).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _overview_json(value: Any) -> Any:
    """The overview as JSON, each of its lists of photos ("paths") with "paths_bytes"
    where a name is not valid UTF-8, as the photos' own entries have."""
    if isinstance(value, dict):
        return with_name_bytes({k: _overview_json(v) for k, v in value.items()}, "paths")
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        return [_overview_json(v) for v in value]
    return value  # (a list of names or numbers, as it is)


def with_name_bytes(entry: dict[str, Any], *keys: str) -> dict[str, Any]:
    """`entry` (a JSON object) with `<key>_bytes` right after each of `keys` whose file
    name, or one of whose list of names, is not valid UTF-8: JSON can carry such a name
    only as lone surrogates, which most JSON tools replace, so the exact bytes are added
    (base64 of os.fsencode; for a list, of every name) and the file can be found again.
    Entries whose names are all valid UTF-8 are unchanged."""
    result: dict[str, Any] = {}
    for key, value in entry.items():
        result[key] = value
        if key not in keys or value is None:
            continue
        if isinstance(value, list):
            if not all(map(_is_utf8, value)):
                result[key + "_bytes"] = [_name_bytes(str(v)) for v in value]
        elif not _is_utf8(value):
            result[key + "_bytes"] = _name_bytes(str(value))
    return result


def _json_problems(problems: Sequence[tuple[str, Message]]) -> list[dict[str, Any]]:
    return [with_name_bytes({"path": p, "message": m.text(), "code": m.to_dict()}, "path")
            for p, m in problems]


def build_parser() -> argparse.ArgumentParser:
    from .core.guidance import letters

    parser = argparse.ArgumentParser(
        prog="photocheck",
        description=_("Shows what your photos give away before you share them: faces, "
                      "places, names and serial numbers. Everything stays on this "
                      "computer; your photos are only read, never changed."))
    parser.add_argument("--version", action="version", version=f"photocheck {__version__}")
    parser.epilog = _("Without a command, the desktop app opens: photocheck [FOLDER...] "
                      "[--language en|nl] [--presentation] [--screenshot PNG [--slide N] "
                      "FOLDER...]")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    scan = sub.add_parser("scan", help=_("check photos in folders or files"),
                          description=_("Check every photo under the given folders."))
    scan.add_argument("paths", nargs="+", metavar="PATH", help=_("folders or photo files"))
    scan.add_argument("--json", action="store_true",
                      help=_("print one JSON document instead of text"))
    scan.add_argument("--no-faces", action="store_true", help=_("do not look for faces"))
    scan.add_argument("--jobs", type=_positive_int, default=0, metavar="N",
                      help=_("worker processes (default: one per core)"))
    scan.add_argument("--include-hidden", action="store_true",
                      help=_("also look in hidden folders and files"))
    scan.add_argument("--timeout", type=_positive_float, default=60.0, metavar="SECONDS",
                      help=_("give up on a file after this long (default: 60)"))
    scan.add_argument("--all", action="store_true",
                      help=_("list clean photos too, not only those with findings"))
    scan.add_argument("--no-cache", action="store_true",
                      help=_("read every photo again, and keep nothing of this scan for the "
                             "next one (by default the results are kept in photocheck's "
                             "private cache, and unchanged photos are not read again)"))
    clean = sub.add_parser("clean", help=_("write safe copies of photos"),
                           description=_("Write a copy of each photo without identifying "
                                         "metadata (and with faces blurred, if asked) into "
                                         "--out. The originals are never changed."))
    clean.add_argument("paths", nargs="+", metavar="PATH", help=_("folders or photo files"))
    clean.add_argument("--out", required=True, metavar="DIR",
                       help=_("folder for the copies; it must exist already (photocheck "
                              "does not make it) and you must be able to add files to it"))
    clean.add_argument("--blur-faces", choices=["none", "small", "matchable", "all"],
                       default="none",
                       help=_("blur no faces (default); only the faces that face search "
                              "could not match (small, blurred or turned away); only those "
                              "it could match; or all faces. The copies are checked for "
                              "faces either way, and those that still show faces that face "
                              "search could match are named"))
    clean.add_argument("--keep", type=_keep_list, default=set(), metavar="date,camera,place",
                       help=_("keep the date taken, the camera make and model, and/or a "
                              "rough location: the GPS position rounded to 0.1° (about 11 "
                              "km north-south; less east-west away from the equator, about "
                              "7 km in the Netherlands)"))
    clean.add_argument("--json", action="store_true",
                       help=_("print one JSON document instead of text"))
    clean.add_argument("--jobs", type=_positive_int, default=0, metavar="N",
                       help=_("worker processes (default: one per core)"))
    clean.add_argument("--allow-inside", action="store_true",
                       help=_("allow an output folder inside a folder being cleaned"))
    guide = sub.add_parser("guide", help=_("what each sharing channel passes on, and what you "
                                           "can do"),
                           description=_("Print a page of guidance: 'sharing' (what each "
                                         "channel passes on to others) or 'rights' (what you "
                                         "can do when your photos are online)."))
    guide.add_argument("page", choices=["sharing", "rights"])
    guide.add_argument("--html", metavar="FILE",
                       help=_("write the page as an HTML file instead of printing it"))
    letter = sub.add_parser("letter", help=_("write a letter asking an organisation for "
                                             "your data"),
                            description=_("Print a letter for a request under the GDPR, "
                                          "to fill in and send yourself: photocheck never "
                                          "sends anything."))
    letter.add_argument("request", choices=[r.value for r in letters.Request])
    letter.add_argument("--to", required=True, metavar="ORGANISATION",
                        help=_("clearview, pimeyes, or the name of any organisation"))
    letter.add_argument("--letter-language", choices=list(letters.LANGUAGES), default=None,
                        help=_("the language of the letter (default: the language of "
                               "photocheck)"))
    letter.add_argument("--name", default=None, help=_("your name, written on the letter"))
    report = sub.add_parser("report", help=_("save what a stranger learns from your photos "
                                             "as a file"),
                            description=_("Check every photo under the given folders and "
                                          "save what a stranger learns from them as one "
                                          "file: HTML that opens in any browser, or JSON. "
                                          "Unless you ask, it holds no pictures, no exact "
                                          "positions (they are rounded to about 1 km) and "
                                          "no full paths. Keep it private all the same."))
    report.add_argument("paths", nargs="+", metavar="PATH", help=_("folders or photo files"))
    report.add_argument("--out", required=True, metavar="FILE",
                        help=_("the report file to write; it must not exist yet"))
    report.add_argument("--json", action="store_true",
                        help=_("write JSON instead of HTML"))
    report.add_argument("--exact-locations", action="store_true",
                        help=_("include positions exactly as the photos hold them (by "
                               "default they are rounded to about 1 km)"))
    report.add_argument("--with-thumbnails", action="store_true",
                        help=_("include a small picture of each photo listed (at most 160 "
                               "px)"))
    report.add_argument("--full-paths", action="store_true",
                        help=_("name files by their full path (by default by their folder "
                               "and file name only)"))
    report.add_argument("--no-faces", action="store_true", help=_("do not look for faces"))
    report.add_argument("--jobs", type=_positive_int, default=0, metavar="N",
                        help=_("worker processes (default: one per core)"))
    report.add_argument("--no-cache", action="store_true",
                        help=_("read every photo again, and keep nothing of this scan"))
    sub.add_parser("forget", help=_("delete everything photocheck stored"),
                   description=_("Delete everything photocheck stored on this computer: "
                                 "its settings, the results it kept of earlier scans, and "
                                 "temporary files left by runs that were stopped. Your "
                                 "photos and safe copies are not touched."))
    return parser


def _positive(convert: type[int] | type[float], what: str):  # type: ignore[no-untyped-def]
    """An argparse type: a number of `convert`'s type, greater than 0."""

    def parse(text: str) -> int | float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("must be {what}").format(what=what)) from None
        if not value > 0:
            raise argparse.ArgumentTypeError(_("must be more than 0"))
        return value

    return parse


_positive_int = _positive(int, _("a whole number"))
_positive_float = _positive(float, _("a number of seconds"))


COMMANDS = ("scan", "clean", "guide", "letter", "report", "forget")


def mistyped_command(word: str) -> bool:
    """Whether the first argument, not a command, is meant as one rather than as a
    folder for the app: a plain word (letters only: no path separator, no dot) that is
    not an existing path ("photocheck scna")."""
    return word.isalpha() and not os.path.lexists(word)


def run() -> None:
    """The `photocheck` command as a program: main(), then the process ends."""
    code = main()
    # Nothing made needs a last collection when the process ends: without this, its
    # exit walked every object left (the place names' outlines, the shared findings), a
    # quarter of a second after a scan of 10,000 photos from the cache.
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and mistyped_command(argv[0]):
        sys.stderr.write(_("photocheck: unknown command '{word}' (commands: {commands}; or "
                           "give folders to open the app)").format(
                               word=printable(argv[0]), commands=", ".join(COMMANDS)) + "\n")
        return EXIT_USAGE
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        # no command: the desktop app (photocheck [FOLDER...] [--screenshot PNG])
        from .gui.app import main as gui_main

        return gui_main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        if args.command == "clean":
            return run_clean(args)
        if args.command == "guide":
            return run_guide(args)
        if args.command == "letter":
            return run_letter(args)
        if args.command == "report":
            return run_report(args)
        if args.command == "forget":
            return run_forget()
        return run_scan(args)
    except KeyboardInterrupt:
        # before or after the scan itself (which reports what it did): no traceback
        sys.stderr.write(_("photocheck: interrupted") + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (photocheck scan ... | head): stop quietly
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


def _keep_list(text: str) -> set[str]:
    items = {t.strip() for t in text.split(",") if t.strip()}
    unknown = items - {"date", "camera", "place"}
    if unknown:
        raise argparse.ArgumentTypeError(_("can keep only: date, camera, place"))
    return items


def run_clean(args: argparse.Namespace, out: TextIO | None = None,
              err: TextIO | None = None) -> int:
    from .core.clean.copy import CleanError, CleanOptions, check_output_folder
    from .core.faces import load_detector

    out, err = _streams(out, err)
    options = CleanOptions(keep_date="date" in args.keep, keep_camera="camera" in args.keep,
                           keep_place="place" in args.keep, blur=args.blur_faces,
                           allow_inside=args.allow_inside)
    try:
        # before anything starts: a folder that cannot take the copies is told once,
        # not once for every photo
        check_output_folder(args.out, args.paths, args.allow_inside, try_writing=True)
    except CleanError as exc:
        err.write(_("photocheck: {reason}").format(reason=printable(exc)) + "\n")
        if exc.message.code == "clean.inside":
            err.write(_("photocheck: to put the copies there all the same, add "
                        "--allow-inside") + "\n")
        return EXIT_FAILED
    if options.blur != "none":
        detector, problem = load_detector()
        if detector is None:
            err.write(_("photocheck: faces cannot be blurred: {reason}").format(
                reason=printable(problem)) + "\n")
            return EXIT_FAILED
    # each file is cleaned in a worker process, as it is scanned: a hostile file costs
    # only itself
    scanner = Scanner(ScanOptions(faces=options.blur != "none", jobs=args.jobs))
    cancel = CancelToken()
    results: list[CleanResult] = []
    interrupted = False
    try:
        with _closed_after(scanner.copy(args.paths, args.out, options, None, cancel)) as scan:
            for result in scan:
                results.append(result)
                if not args.json:
                    _print_clean(result, out)
    except ScanError as exc:
        err.write(_("photocheck: the scan could not run: {reason}").format(
            reason=printable(exc)) + "\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        # Ctrl-C: the scan is already stopped (its workers, and the temporary copies of
        # those that were writing one, are gone); say what was done
        cancel.cancel()
        interrupted = True
    problems = scanner.problems
    failed = sum(1 for r in results if r.error)
    made = [r for r in results if not r.error]
    # copies without identifying metadata that still show faces face search could match,
    # and those whose faces were not checked: never counted as copied safely
    with_faces = [r for r in made if r.faces_checked and r.matchable_left]
    unchecked = [r for r in made if not r.faces_checked]
    if args.json:
        write_json({"photocheck": __version__,
                   "copies": [with_name_bytes(r.to_dict(), "source", "output", "sidecars")
                              for r in results],
                   "problems": _json_problems(problems),
                   "summary": {"photos": len(results), "cleaned": len(made),
                               "failed": failed, "complete": not interrupted,
                               "safe": len(made) - len(with_faces) - len(unchecked),
                               "with_matchable_faces": len(with_faces),
                               "matchable_faces": sum(r.matchable_left for r in with_faces),
                               "faces_not_checked": len(unchecked)}}, out)
    else:
        for path, message in problems:
            out.write(_("Could not read {path}: {message}").format(
                path=printable(path), message=printable(message)) + "\n")
        _print_clean_summary(out, len(results), made, with_faces, unchecked, args.out,
                             scanner.detector_problem)
        if interrupted:
            out.write(_("Interrupted: the photos not listed above were not copied.") + "\n")
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if failed or problems or not results else EXIT_OK


@contextlib.contextmanager
def _closed_after(scan: Iterator[Any]) -> Iterator[Iterator[Any]]:
    """The scan, closed as soon as the loop over it ends, however it ends (Ctrl-C while
    a result is being printed, an error): its workers are stopped, and the temporary
    copies of those that were writing one removed, before anything else is printed."""
    try:
        yield scan
    finally:
        close = getattr(scan, "close", None)
        if close is not None:
            close()


def _print_clean(result: CleanResult, out: TextIO) -> None:
    from .core.clean.copy import describe_copy, faces_left_text

    w = out.write
    w(printable(result.source) + "\n")
    if result.error:
        w("   " + _("FAILED, no copy made: {reason}").format(reason=printable(result.error))
          + "\n")
        return
    how, *notes = describe_copy(result, faces=False)
    w("   -> " + printable(result.output or "") + f" ({printable(how)})\n")
    for line in notes:
        w("   " + printable(line) + "\n")
    faces = faces_left_text(result)
    if faces is not None:  # a warning: the copy is not safe to share as it is
        w("   !! " + _("metadata removed; {faces}").format(faces=faces) + "\n")


def _print_clean_summary(out: TextIO, total: int, made: Sequence[CleanResult],
                         with_faces: Sequence[CleanResult], unchecked: Sequence[CleanResult],
                         folder: str, detector_problem: Message | None) -> None:
    """How many copies are safe to share; those that still show faces face search
    could match, or whose faces were not checked, counted apart."""
    w = out.write
    safe = len(made) - len(with_faces) - len(unchecked)
    if not with_faces and not unchecked:
        w(_("{done} of {total} photos copied safely to {folder}.").format(
            done=safe, total=total, folder=printable(folder)) + "\n")
        return
    w(ngettext("{done} of {total} photo copied without identifying metadata to {folder}.",
               "{done} of {total} photos copied without identifying metadata to {folder}.",
               total).format(done=len(made), total=total, folder=printable(folder)) + "\n")
    if with_faces:
        faces = sum(r.matchable_left for r in with_faces)
        shown = ngettext("{n} face that face search could match",
                         "{n} faces that face search could match", faces).format(n=faces)
        w(ngettext("{n} of them still shows {faces}: to blur them, use --blur-faces "
                   "matchable.",
                   "{n} of them still show {faces}: to blur them, use --blur-faces "
                   "matchable.", len(with_faces)).format(n=len(with_faces), faces=shown)
          + "\n")
    if unchecked:
        why = printable(detector_problem) if detector_problem is not None else _(
            "face detection was not available")
        w(ngettext("{n} of them was not checked for faces ({why}): it may still show faces.",
                   "{n} of them were not checked for faces ({why}): they may still show "
                   "faces.", len(unchecked)).format(n=len(unchecked), why=why) + "\n")
    w(ngettext("{n} copy is safe to share as it is.", "{n} copies are safe to share as they "
               "are.", safe).format(n=safe) + "\n")


def run_scan(args: argparse.Namespace, out: TextIO | None = None,
             err: TextIO | None = None) -> int:
    out, err = _streams(out, err)
    options = ScanOptions(faces=not args.no_faces, jobs=args.jobs,
                          include_hidden=args.include_hidden, timeout=args.timeout,
                          cache=not args.no_cache)
    scanner = Scanner(options)
    cancel = CancelToken()
    bar = _ProgressBar(err) if err.isatty() and not args.json else None
    started = time.monotonic()
    # each photo's JSON is made as its report arrives, while the workers go on
    photos: list[dict[str, Any]] = []
    as_json = PhotoJson()
    with _fewer_collections():
        gathered = _gather(scanner, args.paths, bar, cancel, err,
                           (lambda r: photos.append(as_json(r))) if args.json else None)
        if gathered is None:
            return EXIT_FAILED
        reports, interrupted = gathered
        elapsed = time.monotonic() - started
        partial = interrupted or scanner.cancelled
        if args.json:
            write_json(json_document(reports, scanner, partial, options, photos), out)
        else:
            print_human(reports, scanner, partial, options, elapsed, args.all, out)
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """No cyclic garbage collection while a command gathers reports and writes them out:
    they are many small objects that all stay, and each full collection walked through
    all of them again (a sixth of the parent's time on a metadata-only scan, more when
    the reports come from the cache); reports hold no cycles, and what was set is
    restored after."""
    enabled = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # what was made meanwhile goes to the oldest generation as it is: enabled
            # directly, the next allocation walked all of it once more (0.1 s for
            # 10,000 reports); (not when something else had frozen objects: they stay)
            if not frozen:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _gather(scanner: Scanner, paths: Sequence[str], bar: _ProgressBar | None,
            cancel: CancelToken, err: TextIO,
            each: Callable[[PhotoReport], None] | None = None,
            ) -> tuple[list[PhotoReport], bool] | None:
    """Run the scan and gather its reports: (reports, interrupted by Ctrl+C), or None
    when the scan could not run (said on `err`); `each` is given every report as it
    arrives. The progress bar is cleared either way."""
    reports: list[PhotoReport] = []
    interrupted = False
    placed = False
    try:
        with _closed_after(scanner.scan(paths, bar.update if bar else None, cancel)) as scan:
            for report in scan:
                reports.append(report)
                if each is not None:
                    each(report)
                if not placed and any(f.kind == Kind.LOCATION and "lat" in f.value
                                      for f in report.findings):
                    # the overview names places: its data loads while the scan goes on
                    placed = True
                    preload()
    except ScanError as exc:
        if bar:
            bar.clear()
        err.write(_("photocheck: the scan could not run: {reason}").format(
            reason=printable(exc)) + "\n")
        return None
    except KeyboardInterrupt:
        cancel.cancel()
        interrupted = True
    if bar:
        bar.clear()
    return reports, interrupted


def run_report(args: argparse.Namespace, out: TextIO | None = None,
               err: TextIO | None = None) -> int:
    """`photocheck report PATH... --out FILE`: scan, then save the report (never over an
    existing file)."""
    from .core.report import write_report

    out, err = _streams(out, err)

    def exists() -> int:
        err.write(_("photocheck: {path} exists already; choose another name").format(
            path=printable(args.out)) + "\n")
        return EXIT_FAILED

    if os.path.lexists(args.out):  # told before the scan, not after it
        return exists()
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        err.write(_("photocheck: the report cannot be written in {folder}: it is not a "
                    "folder you can write in").format(folder=printable(folder)) + "\n")
        return EXIT_FAILED
    options = ScanOptions(faces=not args.no_faces, jobs=args.jobs, cache=not args.no_cache)
    scanner = Scanner(options)
    cancel = CancelToken()
    bar = _ProgressBar(err) if err.isatty() else None
    gathered = _gather(scanner, args.paths, bar, cancel, err)
    if gathered is None:
        return EXIT_FAILED
    reports, interrupted = gathered
    if interrupted:
        err.write(_("photocheck: interrupted; no report was written") + "\n")
        return EXIT_INTERRUPTED
    why = None
    if args.no_faces:
        why = _("you chose --no-faces")
    elif scanner.detector_problem is not None:
        why = scanner.detector_problem.text()
    try:
        write_report(args.out, reports, exact_locations=args.exact_locations,
                     with_thumbnails=args.with_thumbnails, as_json=args.json,
                     full_paths=args.full_paths, faces_not_checked=why,
                     complete=not scanner.cancelled, problems=scanner.problems)
    except FileExistsError:
        return exists()
    except OSError as exc:
        err.write(_("photocheck: could not write {path}: {reason}").format(
            path=printable(args.out), reason=printable(exc.strerror or str(exc))) + "\n")
        return EXIT_FAILED
    out.write(ngettext("Report of {n} photo written to {path}. Keep it private: it shows "
                       "what your photos give away.",
                       "Report of {n} photos written to {path}. Keep it private: it shows "
                       "what your photos give away.", len(reports)).format(
                           n=len(reports), path=printable(args.out)) + "\n")
    return EXIT_OK


def write_json(document: Any, out: TextIO) -> None:
    """The JSON document on `out`: indented on a terminal, for people; compact into a
    pipe or a file, for programs (Python writes compact JSON several times faster,
    which a scan of many photos notices)."""
    try:
        terminal = out.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        json.dump(document, out, ensure_ascii=True, indent=1)
    else:
        out.write(json.dumps(document, ensure_ascii=True))
    out.write("\n")


def _streams(out: TextIO | None, err: TextIO | None) -> tuple[TextIO, TextIO]:
    """The output streams (stdout/stderr by default), made safe for any file name."""
    out = out or sys.stdout
    err = err or sys.stderr
    _safe_stream(out)
    _safe_stream(err)
    return out, err


def _safe_stream(stream: TextIO) -> None:
    # File names need not be valid UTF-8; never crash while printing them.
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="backslashreplace")


# -- JSON -----------------------------------------------------------------------------------


def run_forget(out: TextIO | None = None) -> int:
    """`photocheck forget`: delete everything photocheck stored, and say what went."""
    from .core.forget import forget_everything, size_text

    out = out or sys.stdout
    done = forget_everything()
    if done.removed:
        out.write(ngettext("Deleted {n} file or folder of photocheck's ({size}):",
                           "Deleted {n} files and folders of photocheck's ({size}):",
                           len(done.removed)).format(n=len(done.removed),
                                                     size=size_text(done.freed)) + "\n")
        for path in done.removed:
            out.write("  " + printable(path) + "\n")
    else:
        out.write(_("photocheck had nothing stored on this computer.") + "\n")
    for path in done.failed:
        out.write(_("Could not delete {path}").format(path=printable(path)) + "\n")
    return EXIT_FAILED if done.failed else EXIT_OK


def run_guide(args: argparse.Namespace) -> int:
    """`photocheck guide sharing|rights [--html FILE]`."""
    from .core.guidance import channels, rights

    if args.html is None:
        page = channels.sharing_text() if args.page == "sharing" else rights.rights_text()
        sys.stdout.write(page.rstrip("\n") + "\n")
        return EXIT_OK
    body = channels.sharing_html() if args.page == "sharing" else rights.rights_html()
    title = _("Sharing: what each channel passes on") if args.page == "sharing" else _(
        "What you can do")
    document = (f'<!DOCTYPE html>\n<html lang="{language()}"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title></head><body>{body}</body></html>\n")
    try:  # like copies and reports: never over something of the user's
        save_text(document, args.html, replace=False)
    except FileExistsError:
        sys.stderr.write(_("photocheck: {path} exists already; choose another name").format(
            path=printable(args.html)) + "\n")
        return EXIT_FAILED
    except OSError as exc:
        sys.stderr.write(_("photocheck: could not write {path}: {reason}").format(
            path=printable(args.html), reason=printable(exc.strerror or str(exc))) + "\n")
        return EXIT_FAILED
    return EXIT_OK


def run_letter(args: argparse.Namespace) -> int:
    """`photocheck letter access|erasure|objection --to ORGANISATION`."""
    from .core.guidance import letters

    known = {r.key: r for r in letters.KNOWN_RECIPIENTS}
    recipient = known.get(args.to.strip().lower()) or letters.organisation(args.to.strip())
    text = letters.write_letter(letters.Request(args.request), recipient,
                                args.letter_language or language(), name=args.name,
                                date=datetime.date.today())
    sys.stdout.write(text.rstrip("\n") + "\n")
    sys.stderr.write("\n" + _(letters.NEVER_SENT) + "\n" + letters.where_text(recipient)
                     + "\n")
    return EXIT_OK


def summary_counts(reports: Sequence[PhotoReport]) -> dict[str, Any]:
    with_findings = {kind.value: 0 for kind in Kind}
    # photos by their most matchable face (the faces finding's code)
    faces = {m.value: 0 for m in Match if m is not Match.NO}
    for report in reports:
        for kind in report.kinds():
            with_findings[kind.value] += 1
        for f in report.findings:
            if f.kind == Kind.FACES and f.code != "faces.not_matchable":
                faces[f.code.partition(".")[2]] += 1
    return {
        "photos": len(reports),
        "with_findings": with_findings,
        "with_matchable_faces": faces,
        "flagged": sum(1 for r in reports if r.findings),
        "clean": sum(1 for r in reports if r.state == PhotoState.CLEAN),
        "partly_checked": sum(1 for r in reports if r.not_checked and r.error is None),
        "errors": sum(1 for r in reports if r.error is not None),
    }


class PhotoJson:
    """Each photo's JSON, for one command: the findings that reports share (the same
    camera, owner, serial in thousands of photos: model.shared_finding) are made into
    JSON once; the objects are held, so that none is freed and its id reused."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[Finding, dict[str, Any]]] = {}

    def __call__(self, report: PhotoReport) -> dict[str, Any]:
        return with_name_bytes(report.to_dict(self._finding), "path", "sidecars")

    def _finding(self, finding: Finding) -> dict[str, Any]:
        made = self._made.get(id(finding))
        if made is None:
            made = self._made[id(finding)] = (finding, finding.to_dict())
        return made[1]


def json_document(reports: Sequence[PhotoReport], scanner: Scanner, partial: bool,
                  options: ScanOptions,
                  photos: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON output; `photos`: each report's JSON, when already made."""
    summary = summary_counts(reports)
    summary["complete"] = not partial
    summary["faces_checked"] = options.faces and scanner.detector_problem is None
    return {
        "photocheck": __version__,
        "photos": list(photos) if photos is not None else list(map(PhotoJson(), reports)),
        "summary": summary,
        "overview": _overview_json(analyse(reports).to_dict()),
        "problems": _json_problems(scanner.problems),
        "cache": {
            "used": options.cache,
            "kept_results_used": scanner.from_cache,  # photos not read again
            "notes": [{"message": m.text(), "code": m.to_dict()}
                      for m in scanner.cache_problems],
        },
    }


# -- human output ---------------------------------------------------------------------------


class _ProgressBar:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = 0.0
        self.width = 0

    def update(self, p: Progress) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and p.done != p.total:
            return
        self.last = now
        if p.phase == "discovering":
            line = _("Looking for photos... {n} found").format(n=p.total)
        else:
            total = max(p.total, 1)
            filled = int(30 * p.done / total)
            line = "[{}{}] {}/{}".format("#" * filled, "." * (30 - filled), p.done, p.total)
            if p.current:
                line += "  " + printable(os.path.basename(p.current))[:40]
        self.width = max(self.width, len(line))
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


_MARK = {"high": "!!", "medium": "! ", "low": "  "}


def print_human(reports: Sequence[PhotoReport], scanner: Scanner, partial: bool,
                options: ScanOptions, elapsed: float, show_all: bool, out: TextIO) -> None:
    w = out.write
    for report in sorted(reports, key=lambda r: r.path):
        if report.state == PhotoState.CLEAN and not show_all:
            continue
        w(printable(report.path) + "\n")
        if report.error:
            w("   " + _("ERROR: {message}").format(message=printable(report.error)) + "\n")
        by_kind: dict[Kind, list[Finding]] = {}
        for finding in report.findings:
            by_kind.setdefault(finding.kind, []).append(finding)
        for kind, group in by_kind.items():
            mark = _MARK[max(group, key=lambda f: f.severity.rank).severity.value]
            text = "; ".join(f"{printable(value_text(f))} ({printable(f.source)})"
                             for f in group)
            w(f"   {mark} {label(kind)}: {text}\n")
            if KINDS[kind].advice_in_lists:
                w("        -> " + short_guidance(kind) + "\n")
        for item in report.not_checked:
            w("   " + _("not checked: {what}").format(what=printable(item)) + "\n")
        if report.state == PhotoState.CLEAN:
            w("   " + _("nothing found") + "\n")
        w("\n")
    for path, message in scanner.problems:
        w(_("Could not read {path}: {message}").format(path=printable(path),
                                                       message=printable(message)) + "\n")
    counts = summary_counts(reports)
    n = counts["photos"]
    w("\n" + ngettext("Checked {n} photo in {s:.1f} s.", "Checked {n} photos in {s:.1f} s.",
                      n).format(n=n, s=elapsed) + "\n")
    if scanner.from_cache:
        w("  " + ngettext("{n} of them is unchanged since an earlier scan: its results were "
                          "kept, the file was not read again (--no-cache reads everything)",
                          "{n} of them are unchanged since an earlier scan: their results "
                          "were kept, the files were not read again (--no-cache reads "
                          "everything)", scanner.from_cache).format(n=scanner.from_cache)
          + "\n")
    for note in scanner.cache_problems:
        w("  " + _("Note: {message}").format(message=printable(note)) + "\n")
    videos = sum(1 for r in reports if r.is_video)
    if videos:
        w("  " + ngettext("{n} of them is a video: what its file says was read, its frames "
                          "were not (no faces checked)",
                          "{n} of them are videos: what their files say was read, their "
                          "frames were not (no faces checked)", videos).format(n=videos)
          + "\n")
    if partial:
        w(_("The scan was stopped early: photos not yet checked are not listed.") + "\n")
    for kind in LINE_KINDS:
        count = counts["with_findings"][kind.value]
        if count:
            w(f"  {count:>6}  {_(KINDS[kind].photos_line or '')}\n")
        if kind == Kind.FACES and count:
            anyone = counts["with_matchable_faces"][Match.SHARED_SMALL.value]
            full = counts["with_matchable_faces"][Match.FULL_FILE.value]
            if anyone:
                w(f"  {'':>6}  " + ngettext(
                    "{n} of them shows faces anyone could match with face search",
                    "{n} of them show faces anyone could match with face search",
                    anyone).format(n=anyone) + "\n")
            if full:
                w(f"  {'':>6}  " + ngettext(
                    "{n} of them shows faces face search could match if the full-size file "
                    "is shared",
                    "{n} of them show faces face search could match if the full-size file "
                    "is shared", full).format(n=full) + "\n")
    if counts["errors"]:
        w(f"  {counts['errors']:>6}  " + _("could not be checked (see ERROR above)") + "\n")
    if not options.faces:
        w("  " + _("Faces were not checked (--no-faces).") + "\n")
    elif scanner.detector_problem:
        w("  " + _("Faces were not checked: {why}").format(
            why=printable(scanner.detector_problem)) + "\n")
    if counts["clean"]:
        w(f"  {counts['clean']:>6}  " + _("nothing found") + "\n")
    print_overview(analyse(reports, named=OVERVIEW_PLACES), w)


OVERVIEW_PLACES = 5  # the places the text report names (the JSON: NAMED_PLACES)


def print_overview(overview: Overview, w: Callable[[str], object],
                   most: int = OVERVIEW_PLACES) -> None:
    """What a stranger learns from the whole collection: the largest places, possible
    home and work, routines, the serials and names that link photos, what to do."""
    lines = []
    for place in overview.places[:most]:
        name = place.name.message().text() if place.name else ""
        line = ngettext("{n} photo {place}", "{n} photos {place}", place.count).format(
            n=place.count, place=name)
        routine = place.routine_message()
        if routine is not None:
            line += " - " + routine.text()
        lines.append(line)
    if len(overview.places) > most:
        lines.append(ngettext("and {n} more place", "and {n} more places",
                              len(overview.places) - most).format(
                                  n=len(overview.places) - most))
    if overview.time_routine is not None:
        lines.append(overview.time_routine.text())
    for item in (*overview.serials[:most], *overview.names[:most]):
        lines.append(printable(item.message().text()))
    if not lines:
        return
    w("\n" + overview.headline().text() + ":\n")
    for line in lines:
        w("  - " + line + "\n")
    if overview.actions:
        w(_("What to do first:") + "\n")
        for i, action in enumerate(overview.actions, 1):
            w(f"  {i}. {action.message().text()}\n")
