"""Text on the core's ground floor, shared by every part that reads text.

- :mod:`.lines`: single-line text for e-mail headers and iCalendar properties
  (:func:`one_line`, :func:`has_line_break`, re-exported here).
- :mod:`.words`: accent folding, Dutch and English stop words, tokenising, language guess
  and Snowball stems: how topic drift, the overlap finder and the matcher read text.
- :mod:`.tfidf`: the one TF-IDF formula of the three.
"""

from netweave.core.text.lines import has_line_break, one_line

__all__ = ["has_line_break", "one_line"]
