"""A guidance page as data: sections of paragraphs and bullet lists, rendered as simple
HTML (the app's viewer, an HTML report) or as plain text (the CLI, a text file).

Texts are English msgids; `_()` translates them when a page is rendered, so a page
rendered after a language switch is in the new language. Every text is escaped.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

from ..i18n import _

# A block of a section: a paragraph (one msgid) or a bullet list (a tuple of msgids).
Block = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # a msgid
    blocks: tuple[Block, ...]


def section_html(section: Section, level: int = 3) -> str:
    e = html.escape
    parts = [f"<h{level}>{e(_(section.title))}</h{level}>"]
    for block in section.blocks:
        if isinstance(block, str):
            parts.append(f"<p>{e(_(block))}</p>")
        else:
            items = "".join(f"<li>{e(_(item))}</li>" for item in block)
            parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


def page_html(title: str, sections: tuple[Section, ...], intro: tuple[str, ...] = ()) -> str:
    """The page as an HTML fragment: its title (a msgid), paragraphs before the sections
    (msgids), then each section."""
    e = html.escape
    head = f"<h2>{e(_(title))}</h2>" + "".join(f"<p>{e(_(p))}</p>" for p in intro)
    return head + "".join(section_html(s) for s in sections)


def wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    """`text` filled to `width` columns, `first` before its first line and `rest` before
    the others; words (and web addresses) are never broken."""
    return textwrap.fill(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def section_text(section: Section, width: int = 78) -> str:
    title = _(section.title)
    lines = [title, "-" * len(title)]
    for block in section.blocks:
        lines.append("")
        if isinstance(block, str):
            lines.append(wrap(_(block), width))
        else:
            lines.extend(wrap(_(item), width, "- ", "  ") for item in block)
    return "\n".join(lines)


def heading_text(title: str) -> str:
    """A page's title, underlined."""
    return f"{title}\n{'=' * len(title)}"


def page_text(title: str, sections: tuple[Section, ...], intro: tuple[str, ...] = (),
              width: int = 78) -> str:
    """The page as plain text, wrapped at `width` columns, ending with a newline."""
    parts = [heading_text(_(title))]
    parts += [wrap(_(p), width) for p in intro]
    parts += [section_text(s, width) for s in sections]
    return "\n\n".join(parts) + "\n"
