"""Interaction logs in the shapes real ones come in (fixtures in tests/fixtures/imports,
written for these tests): columns in another order, contact sensors, epochs in ms/µs,
relative clocks, a static edge list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netweave.core import activity as act
from netweave.core import importers
from netweave.core.importers import log
from netweave.core.importers.errors import ParseError
from netweave.core.importers.records import Interactions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
ORIGIN = datetime(2026, 1, 5, 9, tzinfo=UTC)


def read(name: str, **options):
    return importers.parse("log", FIXTURES / name, options=options)


@pytest.mark.parametrize("name", ["time_i_j.tsv", "tij.dat"])
def test_headerless_time_first_is_refused_not_imported_wrong(name):
    with pytest.raises(ParseError) as info:
        read(name)
    assert "column 1 looks like the time" in str(info.value)
    assert "--columns time,actor,target" in str(info.value)


def test_columns_option_reads_time_first():
    batch = read("time_i_j.tsv", columns="time,actor,target")
    assert set(batch.people) == {"5", "7", "9"}
    assert batch.interactions.at[0] == datetime.fromtimestamp(1767600000, UTC)
    assert batch.notes == []


def test_millisecond_and_microsecond_epochs():
    at = read("millis.csv").interactions.at
    assert at == [datetime.fromtimestamp(t, UTC) for t in (1767600000, 1767600060,
                                                           1767600120.000123)]


def test_contact_windows_become_contacts_with_durations():
    batch = read("tij.dat", columns="time,actor,target", time_origin="2026-01-05T09:00Z",
                 contacts="20")
    got = sorted(zip(batch.interactions.actor, batch.interactions.target,
                     batch.interactions.at, batch.interactions.weight, strict=True))
    at = [ORIGIN + timedelta(seconds=s) for s in (20, 100, 60, 140)]
    assert got == [("1", "2", at[0], 1.0), ("1", "2", at[1], 40 / 60),
                   ("3", "4", at[2], 20 / 60), ("3", "4", at[3], 20 / 60)]
    assert set(batch.interactions.channel) == {act.OFFLINE}
    assert batch.notes == ["7 contact windows of 20 seconds read as 4 contacts"]


def test_a_relative_clock_without_origin_is_imported_with_a_warning():
    batch = read("tij.dat", columns="time,actor,target")
    assert batch.interactions.at[0].year == 1970
    assert "times begin in 1970" in batch.notes[0] and "--time-origin" in batch.notes[0]


def test_as_many_people_as_lines_is_warned(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("".join(f"p{i},q{i},2026-01-0{1 + i % 9}T10:00\n" for i in range(40)))
    batch = importers.parse("log", path)
    assert any("80 people in 40 lines" in n for n in batch.notes)


def test_static_edge_list_is_a_structure_only_log():
    batch = read("survey.txt", time_origin="2026-01-05")
    assert list(zip(batch.interactions.actor, batch.interactions.target, strict=True)) == [
        ("anais", "bram"), ("bram", "cees"), ("cees", "anais"), ("anais", "dirk")]
    assert set(batch.interactions.at) == {datetime(2026, 1, 4, 23, tzinfo=UTC)}
    assert "no times" in batch.notes[0]


def test_options_are_checked():
    with pytest.raises(ParseError, match="not a field"):
        read("tij.dat", columns="time,who,target")
    with pytest.raises(ParseError, match="not a positive number"):
        read("tij.dat", columns="time,actor,target", contacts="-5")
    with pytest.raises(ParseError, match="cannot be used with a mbox import"):
        importers.parse("mbox", FIXTURES / "bare.mbox", options={"columns": "time,actor"})


@given(st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 30)), min_size=1,
                max_size=40))
def test_merged_contacts_cover_exactly_the_windows(windows):
    """Slow oracle: the seconds covered by the merged contacts are the union of the windows."""
    log_in = Interactions()
    for who, k in windows:
        log_in.add(who, "z", act.MESSAGE, act.OFFLINE, ORIGIN + timedelta(seconds=20 * k))
    merged = log.merge_contacts(log_in, 20)
    for who in "ab":
        expected = {20 * k + s for w, k in windows if w == who for s in range(20)}
        covered = {int((at - ORIGIN).total_seconds()) + s
                   for a, at, w in zip(merged.actor, merged.at, merged.weight, strict=True)
                   if a == who for s in range(round(w * 60))}
        assert covered == expected
