"""Post text: Markdown to sanitised HTML, and @mentions found by the names members see.

Markdown is rendered by markdown-it-py with raw HTML switched off (typed tags come out as
text), then cleaned by nh3 with an allow-list: no scripts, no event handlers, no ``style``
attributes, no images (an outside image would tell its host who reads the page), and links
only to ``http``, ``https`` and ``mailto`` addresses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MD.enable(["table", "strikethrough"])

ALLOWED_TAGS = frozenset({
    "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "span",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "span": {"class"},
                      "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_TAG = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"\w")


def render_markdown(body: str, mentions: Iterable[str] = ()) -> str:
    """``body`` (Markdown) as safe HTML; each ``@name`` in ``mentions`` is marked up as a
    ``<span class="mention">``."""
    raw = _MD.render(body)
    clean = nh3.clean(raw, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=set(URL_SCHEMES), link_rel="nofollow noopener noreferrer",
                      strip_comments=True)
    names = sorted({n for n in mentions if n}, key=len, reverse=True)
    if not names:
        return clean
    pattern = re.compile("|".join(re.escape("@" + html.escape(n, quote=False)) for n in names))
    parts = _TAG.split(clean)
    for i in range(0, len(parts), 2):  # text between tags only, never inside a tag
        parts[i] = pattern.sub(lambda m: f'<span class="mention">{m.group(0)}</span>', parts[i])
    return "".join(parts)


def find_mentions(body: str, names: Mapping[str, int]) -> dict[int, str]:
    """People mentioned in ``body``: ``names`` maps a shown name to a person id; a mention is
    ``@`` followed by one of those names (case-insensitive, the longest that fits), not
    inside a word and not followed by a letter or digit. Returns person id -> name as known."""
    lowered = sorted(((n.casefold(), n, pid) for n, pid in names.items() if n.strip()),
                     key=lambda t: len(t[0]), reverse=True)
    found: dict[int, str] = {}
    folded = body.casefold()
    for at in (i for i, ch in enumerate(body) if ch == "@"):
        if at > 0 and (_WORD.match(body[at - 1]) or body[at - 1] in ".-"):
            continue  # an e-mail address, not a mention
        rest = folded[at + 1:]
        for low, name, pid in lowered:
            if rest.startswith(low):
                after = rest[len(low):len(low) + 1]
                if after and _WORD.match(after):
                    continue
                found.setdefault(pid, name)
                break
    return found
