"""How figures are shown, for the report and the dashboard alike: the health card's rows
(:func:`card_rows`), numbers in a language (:class:`Text`), sector names, and the one palette
of sectors, clusters, charts and traffic lights.

Colours of lines, bars and points are each at least 3:1 against the plots' backgrounds
(white, or the map's #fcfdfd), as WCAG asks of graphics; tests/test_contrast.py checks them.
The dashboard's map takes its colours from here (the page's JSON), never a copy of its own.

Pure core: no web framework.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netweave.core.measure import card as card_module
from netweave.core.measure.card import INDICATORS, Plural, format_number, gettext_noop, ngettext

__all__ = ["CHART_COLOURS", "CLUSTER_COLOURS", "DASH", "DAYS", "HOURS", "LIGHTS",
           "LIGHT_COLOURS", "NOT_RECORDED", "SECTORS", "SECTOR_COLOURS", "TRENDS", "Text",
           "card_rows"]

_ = gettext_noop

SECTORS = {  # same msgids as the web app's Sector choices
    "government": _("Government"),
    "business": _("Business"),
    "civil_society": _("Civil society / NGO"),
    "knowledge": _("Knowledge institution"),
    "residents": _("Residents"),
    "other": _("Other"),
    "unknown": _("Sector unknown"),
}
#: One colour per sector, in the report and on the dashboard's map.
SECTOR_COLOURS = {
    "government": "#3b6fb6", "business": "#c2571a", "civil_society": "#8a4f9e",
    "knowledge": "#b8860b", "residents": "#1f6f5c", "other": "#7f7f7f",
    "unknown": "#6f8794",
}
#: One colour per cluster (by number, round again after the last).
CLUSTER_COLOURS = ("#1f6f5c", "#c2571a", "#3b6fb6", "#8a4f9e", "#b8860b", "#d1495b",
                   "#2e86ab", "#6a994e", "#7f5539", "#56636b", "#7570b3", "#1b9e77")
#: Series of the charts, by hue; "pale" marks points with no cluster.
CHART_COLOURS = {"teal": "#1f6f5c", "orange": "#c2571a", "blue": "#0072B2",
                 "purple": "#8a4f9e", "red": "#c62828", "grey": "#7f7f7f",
                 "pale": "#868f8b"}
#: Shown where a value is missing, and between the two ends of a tie.
DASH = "\u2013"
#: Traffic lights, as text: at least 4.5:1 against every light background of the report and
#: the site (the same colours as --green, --amber, --red and --grey in networks/netweave.css).
LIGHT_COLOURS = {"green": "#177232", "amber": "#945800", "red": "#c62828", "grey": "#606773"}
LIGHTS = {"green": _("Green"), "amber": _("Amber"), "red": _("Red"), "grey": _("No data")}
#: The light's text of an indicator whose data the source does not record
#: (docs/metrics.md#health-card).
NOT_RECORDED = _("Not recorded")
TRENDS = {"up": ("↑", _("up")), "down": ("↓", _("down")), "flat": ("→", _("steady")),
          None: (DASH, _("no earlier value"))}
HOURS = ngettext("%(n)s hour", "%(n)s hours")
DAYS = ngettext("%(n)s day", "%(n)s days")

_BY_KEY = {row.key: row for row in INDICATORS}


class Text:
    """Translation and number formatting in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = (lang or "en").replace("-", "_").split("_")[0].lower()
        catalogue = card_module.translator(self.lang)
        self.t = catalogue.gettext
        self._ngettext = catalogue.ngettext

    def plural(self, pair: Plural, n: float, text: str | None = None) -> str:
        count = int(n) if float(n).is_integer() else 2
        return self._ngettext(pair.singular, pair.plural, count) % {
            "n": text if text is not None else self.num(n)}

    def num(self, x: float | None, decimals: int = 0) -> str:
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return DASH
        return format_number(x, self.lang, decimals)

    def pct(self, x: float | None, decimals: int = 0) -> str:
        return DASH if x is None else self.num(x * 100, decimals) + "%"

    def sector(self, key: str | None) -> str:
        return self.t(SECTORS.get(key or "unknown", key or "unknown"))


def card_rows(card: Sequence[Mapping[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    """The health card ready to show: per indicator ``key``, ``label``, ``value_text``,
    ``trend`` (up, down, flat or None), ``trend_symbol``, ``trend_text``, ``light``,
    ``light_text`` ("Not recorded" when the data does not record it), ``light_colour``
    (``#rrggbb``), ``sentence`` and ``leading`` (all text in ``lang``)."""
    tx = Text(lang)
    rows = []
    for entry in card:
        symbol, trend_text = TRENDS.get(entry.get("trend"), TRENDS[None])
        words = card_module.describe(entry, tx.lang)
        rows.append({
            "key": entry["key"],
            "label": words["label"],
            "value_text": _value_text(tx, entry),
            "trend": entry.get("trend"),
            "trend_symbol": symbol,
            "trend_text": tx.t(trend_text),
            "light": entry["light"],
            "light_text": tx.t(NOT_RECORDED if entry.get("status") == "not_recorded"
                               else LIGHTS.get(entry["light"], LIGHTS["grey"])),
            "light_colour": LIGHT_COLOURS.get(entry["light"], LIGHT_COLOURS["grey"]),
            "sentence": words["sentence"],
            "leading": bool(entry.get("leading")),
        })
    return rows


def _value_text(tx: Text, entry: Mapping[str, Any]) -> str:
    value, unit = entry.get("value"), entry.get("unit")
    if value is None:
        return DASH
    if unit == "share":
        return tx.pct(value)
    if unit == "index":
        return tx.num(value, 2)
    if unit == "hours":
        decimals = 1 if abs(value) < 10 else 0
        return tx.plural(HOURS, round(value, decimals), tx.num(value, decimals))
    if unit == "days":
        return tx.plural(DAYS, round(value), tx.num(value))
    if unit == "flag":
        return tx.t(_("Yes")) if value else tx.t(_("No"))
    row = _BY_KEY.get(entry.get("key", ""))
    if row is not None and row.noun is not None:
        return tx.plural(row.noun, round(value), tx.num(value))
    return tx.num(value)
