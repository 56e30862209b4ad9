"""Files as ``netweave report`` reads them (the importers, then the engine's input): the one
time parser, the attributes file, bad input, and a fuzz test."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netweave
from netweave.core import importers
from netweave.core.importers import ParseError, attributes
from netweave.core.importers.common import parse_time
from netweave.core.importers.engine import FileData, to_file_data

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)  # 1767225600


def read_files(*, interactions=None, attendance=None, attributes=None) -> FileData:
    """What ``netweave report --interactions … --attendance … --attributes …`` reads."""
    batches = [importers.parse("log", interactions)] if interactions is not None else []
    if attendance is not None:
        batches.append(importers.parse("attendance", attendance))
    return to_file_data(batches, attributes=attributes)


def acts(data: FileData) -> pl.DataFrame:
    """The log without the join rows an import writes for each person."""
    return data.data.log.filter(pl.col("kind").cast(str) != "join")


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- the one time parser ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1767225600", NEW_YEAR),
    ("1767225600000", NEW_YEAR),                  # milliseconds
    ("1767225600000000", NEW_YEAR),               # microseconds
    ("1767225600.5", datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
    ("2026-01-01T01:00:00+01:00", NEW_YEAR),
    ("2026-01-01T00:00:00Z", NEW_YEAR),
    ("2026-01-01T01:00", NEW_YEAR),               # no zone: Amsterdam, winter time
    ("2026-07-01 12:00", datetime(2026, 7, 1, 10, tzinfo=UTC)),
    ("2026-01-01", datetime(2025, 12, 31, 23, tzinfo=UTC)),
    ("01-01-2026 01:00", NEW_YEAR),               # day first
    ("1/7/2026", datetime(2026, 6, 30, 22, tzinfo=UTC)),
    (" 2026-01-01T00:00:00Z ", NEW_YEAR),
])
def test_one_time_parser_reads_every_form_the_importers_meet(text, expected):
    assert parse_time(text, AMSTERDAM) == expected


def test_time_parser_options_and_objects():
    assert parse_time("7/1/2026", AMSTERDAM, dayfirst=False) == datetime(
        2026, 7, 1, tzinfo=AMSTERDAM)
    assert parse_time("90", AMSTERDAM, origin=NEW_YEAR) == datetime(2026, 1, 1, 0, 1, 30,
                                                                     tzinfo=UTC)
    assert parse_time(date(2026, 1, 1), UTC) == NEW_YEAR
    assert parse_time(datetime(2026, 1, 1, 1), AMSTERDAM) == NEW_YEAR
    assert parse_time(datetime(2026, 1, 1, tzinfo=UTC), AMSTERDAM) == NEW_YEAR


@pytest.mark.parametrize("text", ["", "  ", "yesterday", "9" * 25, "2026-13-01", "31-02-2026"])
def test_unreadable_times_are_value_errors(text):
    with pytest.raises(ValueError):
        parse_time(text, AMSTERDAM)


def test_one_parser_stack_and_one_time_parser():
    """core/parsers.py is gone; only importers/common.py turns text into times."""
    core = Path(netweave.__file__).parent / "core"
    assert not (core / "parsers.py").exists()
    reading = re.compile(r"\.(fromtimestamp|fromisoformat)\(")
    for path in sorted((core / "importers").glob("*.py")):
        if path.name != "common.py":
            assert not reading.search(path.read_text(encoding="utf-8")), path.name


# --- a report on files ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "actor,target,time\nanna,bram,1767225600\nbram,anna,2026-01-01T12:00:00+01:00\n",
    "anna\tbram\t1767225600000\nbram\tanna\t2026-01-01T11:00:00Z\n",
    "# exported from the chat\nanna bram 1767225600\n\nbram anna 2026-01-01T12:00:00\n",
    "van;naar;tijd\nanna;bram;1767225600\nbram;anna;2026-01-01 12:00\n",
])
def test_interaction_log_variants(tmp_path, text):
    got = read_files(interactions=write(tmp_path, "log.txt", text))
    assert got.labels == ["anna", "bram"]
    log = acts(got)
    assert log["actor"].to_list() == [1, 2] and log["target"].to_list() == [2, 1]
    assert log["kind"].cast(str).to_list() == ["message", "message"]
    assert log["at"].to_list() == [NEW_YEAR, datetime(2026, 1, 1, 11, tzinfo=UTC)]


def test_attendance_and_attributes(tmp_path):
    attendance = write(tmp_path, "a.csv", "persoon,bijeenkomst,datum\nanna,ALV,2026-03-05\n"
                       "bram,ALV,2026-03-05\nanna,Excursie,2026-04-02\n")
    attributes_file = write(tmp_path, "p.csv", "person,sector,organisation\n"
                            "anna,overheid,Gemeente Tiel\nbram,bewoners,\ncees,Business,\n")
    got = read_files(attendance=attendance, attributes=attributes_file)
    log = acts(got).filter(pl.col("kind").cast(str) == "attend")
    assert log.height == 3 and log["object_id"].n_unique() == 2
    people = dict(zip(got.labels, got.data.people.sort("person").iter_rows(named=True),
                      strict=True))
    assert [people[p]["sector"] for p in ("anna", "bram", "cees")] == [
        "government", "residents", "business"]
    assert people["anna"]["organisation"] == "Gemeente Tiel"
    assert people["bram"]["organisation"] is None


@pytest.mark.parametrize("text", [
    "anna,overheid,Gemeente Tiel\nbram,bewoners\n",            # no header: in order
    "# sectors\nanna overheid Gemeente-Tiel\nbram bewoners\n",  # runs of blanks
    "organisatie;naam;sector\nGemeente Tiel;anna;overheid\n;bram;bewoners\n",
])
def test_attributes_with_and_without_a_header(tmp_path, text):
    found = attributes.parse(write(tmp_path, "p.txt", text))
    assert found["anna"][0] == "government" and found["anna"][1].startswith("Gemeente")
    assert found["bram"] == ("residents", None)


GOOD_LOG = "anna,bram,1\nbram,anna,2\n"


@pytest.mark.parametrize(("log", "attributes_text", "message"), [
    (GOOD_LOG, "person,sector\nanna,overheid\nbram,aliens\n",
     "p.csv, line 3: unknown sector 'aliens'"),
    (GOOD_LOG, "naam,organisatie\nanna,Tiel\n", "p.csv, line 1: the header lacks sector"),
    (GOOD_LOG, "anna\n", "p.csv, line 1: 1 field(s) (expected at least 2: person, sector)"),
    (GOOD_LOG, "anna," + "x" * 20000 + "\n", "p.csv, line 1: a field of 20,000 characters"),
    ("actor,target,time\nanna,bram,yesterday\n", None, "log.csv, line 2: time 'yesterday'"),
    ("anna,bram,1767225600\nanna,bram,1,dance\n", None,
     "log.csv, line 2: unknown kind 'dance'"),
    ("actor,target,time\n,bram,1767225600\n", None, "line 2: the actor is empty"),
    ("actor,target,time\nanna,bram," + "9" * 25 + "\n", None, "line 2: time"),
])
def test_bad_files_name_file_and_line(tmp_path, log, attributes_text, message):
    with pytest.raises(ParseError) as err:
        read_files(interactions=write(tmp_path, "log.csv", log),
                   attributes=attributes_text and write(tmp_path, "p.csv", attributes_text))
    assert message in str(err.value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300).map(str.encode),
    st.lists(st.lists(st.sampled_from(["anna", "bram", "", "1767225600", "2026-01-01",
                                       "overheid", "offline", "2.5", "x,y", '"', "#", "nan",
                                       "person", "sector", "naam", "\t", " "]),
                      max_size=7), max_size=8)
    .map(lambda rows: "\n".join(",".join(r) for r in rows).encode()),
))
def test_fuzz_attributes_end_in_a_result_or_a_clear_error(tmp_path, data):
    path = write(tmp_path, "fuzz.csv", data)
    try:
        found = attributes.parse(path)
    except ParseError as err:
        assert str(err).startswith("fuzz.csv")
    else:
        assert all(sector in {"government", "business", "civil_society", "knowledge",
                              "residents", "other"} for sector, _ in found.values())
