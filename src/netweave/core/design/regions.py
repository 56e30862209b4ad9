"""Where a community of place is: a small built-in table of Dutch places and a distance.

Pure core, no downloads: the coordinates are approximate (town centre for a municipality,
a central point for a province, two decimals, ~1 km), enough to tell a neighbouring
network from one at the other end of the country. A region is looked up by name after
lower-casing, folding accents, dropping a leading "gemeente"/"provincie"/"municipality of"
/"province of" and anything after a comma or an opening bracket ("Utrecht (provincie)").
Unknown regions give None, and so does any distance involving one: callers treat that as
"distance unknown", never as far away.
"""

from __future__ import annotations

import math
import re

from netweave.core.text.words import fold_accents

__all__ = [
    "MUNICIPALITIES",
    "PROVINCES",
    "distance_km",
    "haversine_km",
    "locate",
    "normalise_region",
]

#: Province -> (latitude, longitude) of a central point.
PROVINCES: dict[str, tuple[float, float]] = {
    "groningen": (53.22, 6.74),
    "friesland": (53.11, 5.85),
    "fryslan": (53.11, 5.85),
    "drenthe": (52.86, 6.62),
    "overijssel": (52.44, 6.45),
    "flevoland": (52.53, 5.60),
    "gelderland": (52.06, 5.95),
    "utrecht": (52.08, 5.20),
    "noord-holland": (52.58, 4.87),
    "zuid-holland": (51.99, 4.49),
    "zeeland": (51.49, 3.85),
    "noord-brabant": (51.56, 5.20),
    "brabant": (51.56, 5.20),
    "limburg": (51.21, 5.94),
}

#: Municipality -> (latitude, longitude) of the town centre.
MUNICIPALITIES: dict[str, tuple[float, float]] = {
    "amsterdam": (52.37, 4.90),
    "rotterdam": (51.92, 4.48),
    "den haag": (52.08, 4.31),
    "'s-gravenhage": (52.08, 4.31),
    "the hague": (52.08, 4.31),
    "utrecht": (52.09, 5.12),
    "eindhoven": (51.44, 5.47),
    "groningen": (53.22, 6.57),
    "tilburg": (51.56, 5.09),
    "almere": (52.37, 5.22),
    "breda": (51.59, 4.78),
    "nijmegen": (51.84, 5.86),
    "apeldoorn": (52.21, 5.97),
    "arnhem": (51.98, 5.91),
    "haarlem": (52.38, 4.64),
    "haarlemmermeer": (52.30, 4.69),
    "amersfoort": (52.16, 5.39),
    "zaanstad": (52.44, 4.83),
    "enschede": (52.22, 6.89),
    "'s-hertogenbosch": (51.69, 5.30),
    "den bosch": (51.69, 5.30),
    "zwolle": (52.51, 6.09),
    "zoetermeer": (52.06, 4.49),
    "leiden": (52.16, 4.49),
    "leeuwarden": (53.20, 5.80),
    "maastricht": (50.85, 5.69),
    "dordrecht": (51.81, 4.67),
    "ede": (52.04, 5.67),
    "alphen aan den rijn": (52.13, 4.66),
    "westland": (51.99, 4.21),
    "alkmaar": (52.63, 4.75),
    "emmen": (52.78, 6.90),
    "delft": (52.01, 4.36),
    "venlo": (51.37, 6.17),
    "deventer": (52.26, 6.16),
    "sittard-geleen": (51.00, 5.87),
    "helmond": (51.48, 5.66),
    "oss": (51.77, 5.52),
    "amstelveen": (52.30, 4.86),
    "hilversum": (52.22, 5.18),
    "heerlen": (50.89, 5.98),
    "hengelo": (52.27, 6.79),
    "purmerend": (52.50, 4.95),
    "roosendaal": (51.53, 4.46),
    "schiedam": (51.92, 4.40),
    "lelystad": (52.52, 5.47),
    "leidschendam-voorburg": (52.08, 4.39),
    "almelo": (52.36, 6.66),
    "gouda": (52.01, 4.71),
    "vlaardingen": (51.91, 4.34),
    "assen": (52.99, 6.56),
    "bergen op zoom": (51.49, 4.29),
    "capelle aan den ijssel": (51.93, 4.58),
    "veenendaal": (52.03, 5.56),
    "zeist": (52.09, 5.23),
    "nieuwegein": (52.03, 5.08),
    "houten": (52.03, 5.17),
    "woerden": (52.09, 4.88),
    "hoorn": (52.64, 5.06),
    "den helder": (52.96, 4.76),
    "middelburg": (51.50, 3.61),
    "vlissingen": (51.44, 3.57),
    "goes": (51.50, 3.89),
    "terneuzen": (51.34, 3.83),
    "harderwijk": (52.35, 5.62),
    "wageningen": (51.97, 5.67),
    "doetinchem": (51.97, 6.29),
    "zutphen": (52.14, 6.20),
    "kampen": (52.56, 5.91),
    "heerenveen": (52.96, 5.92),
    "sneek": (53.03, 5.66),
    "sudwest-fryslan": (53.03, 5.66),
    "drachten": (53.11, 6.10),
    "smallingerland": (53.11, 6.10),
    "hoogeveen": (52.72, 6.48),
    "meppel": (52.70, 6.19),
    "roermond": (51.19, 5.99),
    "weert": (51.25, 5.71),
    "venray": (51.53, 5.97),
    "oosterhout": (51.64, 4.86),
    "waalwijk": (51.69, 5.07),
    "uden": (51.66, 5.62),
    "maashorst": (51.66, 5.62),
    "veghel": (51.62, 5.55),
    "meierijstad": (51.62, 5.55),
    "tiel": (51.89, 5.43),
    "culemborg": (51.96, 5.23),
    "gorinchem": (51.83, 4.97),
    "spijkenisse": (51.85, 4.33),
    "nissewaard": (51.85, 4.33),
    "katwijk": (52.20, 4.40),
    "noordwijk": (52.24, 4.44),
    "hellevoetsluis": (51.83, 4.13),
    "beverwijk": (52.49, 4.66),
    "velsen": (52.46, 4.63),
    "heemskerk": (52.51, 4.67),
    "weesp": (52.31, 5.04),
    "diemen": (52.34, 4.96),
    "texel": (53.06, 4.80),
    "delfzijl": (53.33, 6.92),
    "eemsdelta": (53.33, 6.92),
    "winschoten": (53.14, 7.04),
    "oldambt": (53.14, 7.04),
    "stadskanaal": (52.99, 6.95),
    "veendam": (53.11, 6.88),
}

_PREFIX = re.compile(r"^(gemeente|provincie|municipality of|province of|regio|region)\s+")
_TAIL = re.compile(r"\s*[,(].*$")
_SPACES = re.compile(r"\s+")


def normalise_region(region: str | None) -> str:
    """The lookup key of a region name ("Gemeente Súdwest-Fryslân" -> "sudwest-fryslan")."""
    if not region:
        return ""
    text = fold_accents(region.strip().lower()).replace("\u2019", "'")
    text = _TAIL.sub("", text)
    text = _PREFIX.sub("", text)
    return _SPACES.sub(" ", text).strip()


def locate(region: str | None) -> tuple[float, float] | None:
    """``(latitude, longitude)`` of a region, or None when it is unknown or empty.

    A name that is both a municipality and a province ("Utrecht", "Groningen") is the
    municipality unless the text says "provincie"/"province".
    """
    key = normalise_region(region)
    if not key:
        return None
    is_province = region is not None and re.search(r"provin", region.lower()) is not None
    if is_province and key in PROVINCES:
        return PROVINCES[key]
    return MUNICIPALITIES.get(key) or PROVINCES.get(key)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(latitude, longitude)`` points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: str | None, b: str | None) -> float | None:
    """Distance in km between two named regions; None when either is unknown."""
    pa, pb = locate(a), locate(b)
    if pa is None or pb is None:
        return None
    return haversine_km(pa, pb)
