"""Colour contrast of the site's style sheets, the HTML report's and the charts' palettes,
computed as WCAG 2.2 does (AA): text at least 4.5:1 against the backgrounds it can be drawn
on, focus rings and the lines, bars and points of charts at least 3:1.

A text colour declared without a background of its own is held against every light background
of its style sheets (cards, tinted notices, tags), so that it stays legible wherever a
template puts it. The browser tests' axe scans see only the figures of the day; this sees
every colour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from netweave.core import present
from netweave.core.report import html as report_html
from netweave.core.report.colour import contrast_ratio, relative_luminance

SRC = Path(__file__).resolve().parent.parent / "src" / "netweave"
APP_CSS = sorted(SRC.glob("*/static/**/*.css"))
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
TEXT, GRAPHIC = 4.5, 3.0
#: Opacity lowers the contrast of everything inside; allowed only where WCAG exempts the text.
OPACITY_ALLOWED = {".period-custom.inactive": "the custom period's inputs are disabled"}
#: Colours of the dashboard's scripts that are not lines, bars or points to be seen on white.
SCRIPT_NON_GRAPHICS = {
    "#ffffff": "backgrounds, and edges between bars and around points",
    "#f3f5f4": "the low end of the retention heat map's scale (each cell is in its table too)",
    "#ffcc00": "the chosen person's star on the map, drawn with a black edge",
}


def rules(css: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(selector, declarations) of every rule, those inside @media included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for match in re.finditer(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for part in match.group(2).split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.replace("!important", "").strip()
        yield " ".join(match.group(1).split()), declarations


def variables(css: str) -> dict[str, str]:
    found = {}
    for selector, declarations in rules(css):
        if selector == ":root":
            found.update({k: v for k, v in declarations.items() if k.startswith("--")})
    return found


def colours_in(value: str, variables_: dict[str, str]) -> list[str]:
    """The #rgb colours of a declaration, its var(--x) and var(--x, fallback) resolved."""
    def resolve(match: re.Match) -> str:
        return variables_.get(match.group(1), match.group(2) or "")

    return HEX.findall(re.sub(r"var\((--[\w-]+)(?:,\s*([^)]*))?\)", resolve, value))


def stylesheet_cases(name: str, css: str) -> list[tuple[str, str, str, float]]:
    """(where, colour, background, minimum) for every text colour and focus ring of ``css``."""
    variables_ = variables(css)
    parsed = list(rules(css))
    light = sorted({c.lower() for _sel, decl in parsed for key in ("background", "background-color")
                    for c in colours_in(decl.get(key, ""), variables_)
                    if relative_luminance(c) > 0.4})
    assert len(light) >= 3, f"{name}: no light backgrounds found: {light}"
    cases = []
    for selector, decl in parsed:
        own = [c for key in ("background", "background-color")
               for c in colours_in(decl.get(key, ""), variables_)]
        for colour in colours_in(decl.get("color", ""), variables_):
            for background in own or light:
                cases.append((f"{name} {selector} {{color}}", colour, background, TEXT))
        for colour in colours_in(decl.get("outline", ""), variables_):
            for background in light:
                cases.append((f"{name} {selector} {{outline}}", colour, background, GRAPHIC))
    return cases


APP = "\n".join(path.read_text() for path in APP_CSS)
CASES = stylesheet_cases("site", APP) + stylesheet_cases("report", report_html.CSS)


def test_the_ratio_is_wcags():
    assert contrast_ratio("#000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.005)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")


def test_every_text_colour_and_focus_ring_contrasts_with_its_backgrounds():
    assert any("{outline}" in where for where, *_rest in CASES)  # the focus ring is found
    low = sorted({f"{where}: {fg} on {bg} is {contrast_ratio(fg, bg):.2f}:1 (needs {need})"
                  for where, fg, bg, need in CASES if contrast_ratio(fg, bg) < need})
    assert low == []


def test_no_opacity_dims_text():
    dimmed = [f"{name} {selector}" for name, css in (("site", APP), ("report", report_html.CSS))
              for selector, decl in rules(css)
              if "opacity" in decl and float(decl["opacity"]) < 1
              and selector not in OPACITY_ALLOWED]
    assert dimmed == []


def test_the_traffic_lights_are_the_same_in_the_site_and_the_report():
    site, report = variables(APP), variables(report_html.CSS)
    for light, colour in present.LIGHT_COLOURS.items():
        assert site[f"--{light}"].lower() == colour.lower(), light
        assert report[f"--{light}"].lower() == colour.lower(), light
    assert site["--focus"] == report["--focus"]


def _script_colours(path: Path) -> set[str]:
    return {c.lower() for c in HEX.findall(path.read_text())}


def test_chart_lines_bars_and_points_stand_out_from_the_plot():
    map_background = next(colours_in(decl["background"], {})[0]
                          for selector, decl in rules(report_html.CSS) if selector == ".plot-map")
    palettes = {**{f"sector {k}": c for k, c in present.SECTOR_COLOURS.items()},
                **{f"cluster {i + 1}": c for i, c in enumerate(present.CLUSTER_COLOURS)},
                **{f"chart {k}": c for k, c in present.CHART_COLOURS.items()}}
    scripts = {f"{path.name} {c}": c for path in sorted(SRC.glob("dashboard/static/**/*.js"))
               for c in _script_colours(path) - set(SCRIPT_NON_GRAPHICS)}
    assert len(scripts) >= 6
    low = [f"{name}: {colour} on {background} is {contrast_ratio(colour, background):.2f}:1"
           for name, colour in {**palettes, **scripts}.items()
           for background in ("#ffffff", map_background)
           if contrast_ratio(colour, background) < GRAPHIC]
    assert low == []


def test_a_sector_has_one_colour_on_the_dashboard_map_and_in_the_report():
    """One palette: the map's script holds no colour of a sector or cluster; the page gives
    it the report's (netweave.core.present)."""
    from netweave.dashboard.views import MAP_COLOURS

    script = SRC / "dashboard" / "static" / "dashboard" / "map.js"
    assert _script_colours(script) & {c.lower() for c in present.SECTOR_COLOURS.values()} == set()
    assert "PALETTE" not in script.read_text()
    assert MAP_COLOURS["sector"] is present.SECTOR_COLOURS
    assert MAP_COLOURS["cluster"] is present.CLUSTER_COLOURS


def test_cluster_numbers_are_legible_on_their_points():
    for colour in [*present.SECTOR_COLOURS.values(), *present.CLUSTER_COLOURS,
                   present.CHART_COLOURS["pale"]]:
        assert contrast_ratio(report_html._label_colour(colour), colour) >= TEXT, colour
