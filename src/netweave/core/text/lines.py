"""Single-line text: what may go into an e-mail header or an iCalendar property.

A title or place typed with a line break (or stored before such input was refused) must
never break a header (Python's e-mail code refuses a header with a line break) or start a
new calendar property line; :func:`one_line` makes it safe, :func:`has_line_break` finds it.
"""

from __future__ import annotations

import re

#: Everything :meth:`str.splitlines` splits on: CR, LF, VT, FF, the file/group/record
#: separators, NEL and the Unicode line and paragraph separators.
_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[{_BREAKS}]")
_RUN = re.compile(f"[ \t{_BREAKS}]*[{_BREAKS}][ \t{_BREAKS}]*")


def has_line_break(text: str) -> bool:
    """Whether ``text`` holds a line break of any kind."""
    return bool(_BREAK.search(text))


def one_line(text: str) -> str:
    """``text`` with every line break (and the blanks around it) replaced by one space."""
    return _RUN.sub(" ", text).strip()
