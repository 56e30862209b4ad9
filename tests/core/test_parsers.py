"""File parsers: every format, every kind of bad input, and a fuzz test."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core.parsers import ParseError, parse_time, read_files


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("text", [
    "actor,target,time\nanna,bram,1767225600\nbram,anna,2026-01-01T12:00:00+01:00\n",
    "anna\tbram\t1767225600\nbram\tanna\t2026-01-01T11:00:00Z\n",
    "# exported from the chat\nanna bram 1767225600\n\nbram anna 2026-01-01T12:00:00\n",
    "van;naar;tijd\nanna;bram;1767225600\nbram;anna;2026-01-01 12:00\n",
])
def test_interaction_log_variants(tmp_path, text):
    got = read_files(interactions=write(tmp_path, "log.txt", text))
    assert got.labels == ["anna", "bram"]
    log = got.data.log
    assert log["actor"].to_list() == [1, 2] and log["target"].to_list() == [2, 1]
    assert log["kind"].cast(str).to_list() == ["message", "message"]
    assert log["at"].to_list() == [datetime(2026, 1, 1, tzinfo=UTC),
                                   datetime(2026, 1, 1, 11, tzinfo=UTC)]


def test_optional_columns_and_header_order(tmp_path):
    text = ("time,kind,actor,target,channel,weight\n"
            "2026-02-01T10:00Z,reply,anna,bram,offline,2.5\n"
            "2026-02-01T09:00Z,post,bram,,online,\n")
    log = read_files(interactions=write(tmp_path, "l.csv", text)).data.log
    assert log["kind"].cast(str).to_list() == ["post", "reply"]  # sorted by time
    assert log["target"].to_list() == [None, 2]
    assert log["weight"].to_list() == [1.0, 2.5]
    assert log["channel"].cast(str).to_list() == ["online", "offline"]
    assert log["id"].to_list() == [1, 2]


def test_attendance_and_attributes(tmp_path):
    attendance = write(tmp_path, "a.csv", "persoon,bijeenkomst\nanna,2026-03-05\n"
                       "bram,2026-03-05\nanna,2026-04-02\nanna,2026-04-02\n")
    attributes = write(tmp_path, "p.csv", "person,sector,organisation\n"
                       "anna,overheid,Gemeente Tiel\nbram,bewoners,\n")
    got = read_files(attendance=attendance, attributes=attributes)
    log = got.data.log
    assert log.height == 3  # the duplicate line counts once
    assert log["object_id"].to_list() == [1, 1, 2]
    assert set(log["kind"].cast(str)) == {"attend"} and set(log["channel"].cast(str)) == {
        "offline"}
    people = got.data.people.sort("person")
    assert people["sector"].to_list() == ["government", "residents"]
    assert people["organisation"].to_list() == ["Gemeente Tiel", None]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "actor,target,time\nJosé,Zoë,1767225600\n"
    got = read_files(interactions=write(tmp_path, "e.csv", text.encode(encoding)))
    assert got.labels == ["José", "Zoë"]


@pytest.mark.parametrize(("text", "message"), [
    ("actor,target,time\nanna,bram,yesterday\n", "log.csv, line 2: time 'yesterday'"),
    ("anna,bram,1767225600\nanna,bram,1,dance\n", "log.csv, line 2: unknown kind 'dance'"),
    ("anna,bram\n", "log.csv, line 1: 2 field(s) (expected at least 3"),
    ("actor,time\nanna,1767225600\n", "log.csv, line 1: the header lacks target"),
    ("actor,target,time\n,bram,1767225600\n", "line 2: the actor is empty"),
    ("actor,target,time,kind,channel\nanna,bram,1,reply,radio\n", "unknown channel 'radio'"),
    ("actor,target,time,kind,channel,weight\nanna,bram,1,reply,online,lots\n",
     "weight 'lots' is not a number"),
    ("actor,target,time,kind,channel,weight\nanna,bram,1,reply,online,nan\n",
     "not a finite number"),
    ("# only a comment\n", "log.csv: holds no interactions"),
    ('actor,target,time\n"anna,bram,1\n', "line 2: unreadable line"),
    ("actor,target,time\nanna,bram," + "9" * 20 + "\n", "line 2: time"),
    ("actor,target,time\n" + "x" * 20000 + ",bram,1\n", "longer than 10,000"),
])
def test_bad_interaction_logs_name_file_and_line(tmp_path, text, message):
    with pytest.raises(ParseError) as err:
        read_files(interactions=write(tmp_path, "log.csv", text))
    assert message in str(err.value)


def test_other_bad_files(tmp_path):
    with pytest.raises(ParseError, match=r"a\.csv, line 2: no time for event .kick-off."):
        read_files(attendance=write(tmp_path, "a.csv", "person,event\nanna,kick-off\n"))
    with pytest.raises(ParseError, match=r"p\.csv, line 1: unknown sector .pirates."):
        read_files(interactions=write(tmp_path, "l.csv", "anna,bram,1\n"),
                   attributes=write(tmp_path, "p.csv", "anna,pirates\n"))
    with pytest.raises(ParseError, match="looks binary"):
        read_files(interactions=write(tmp_path, "b.bin", b"\x00\x01\x02garbage"))
    with pytest.raises(ParseError, match="cannot be read"):
        read_files(interactions=tmp_path / "missing.csv")
    with pytest.raises(ParseError, match="nothing to read"):
        read_files()


def test_truncated_utf16(tmp_path):
    data = "actor,target,time\nanna,bram,1\n".encode("utf-16")[:-1]
    with pytest.raises(ParseError, match="not valid utf-16"):
        read_files(interactions=write(tmp_path, "t.csv", data))


def test_naive_times_are_read_in_the_given_zone():
    assert parse_time("2026-07-01T12:00", __import__("zoneinfo").ZoneInfo(
        "Europe/Amsterdam")) == datetime(2026, 7, 1, 10, tzinfo=UTC)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300).map(str.encode),
    st.lists(st.lists(st.sampled_from(["anna", "bram", "", "1767225600", "2026-01-01",
                                       "reply", "offline", "2.5", "x,y", '"', "#", "nan",
                                       "actor", "time", "target", "\t", " "]),
                      max_size=7), max_size=8)
    .map(lambda rows: "\n".join(",".join(r) for r in rows).encode()),
), kind=st.sampled_from(["interactions", "attendance"]))
def test_fuzz_parsers_end_in_a_result_or_a_clear_error(tmp_path, data, kind):
    path = write(tmp_path, "fuzz.csv", data)
    try:
        got = read_files(**{kind: path})
    except ParseError as err:
        assert str(err).startswith("fuzz.csv")
    else:
        assert isinstance(got.data.log, pl.DataFrame) and got.data.log.height > 0
