"""Fuzz every importer: any bytes, and valid files cut short or damaged, end in a Batch or
in the project's own ParseError, never in another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core import importers
from netweave.core.importers import samples
from netweave.core.importers.errors import ParseError
from netweave.core.importers.records import Batch

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _valid() -> dict[str, list[tuple[str, bytes]]]:
    header, rows = samples.attendance_rows()
    mheader, mrows = samples.meetup_rows()
    return {
        "attendance": [("a.csv", samples.table(header, rows, delimiter=";")),
                       ("a.xlsx", samples.xlsx(header, rows))],
        "log": [("l.csv", samples.log(30))],
        "ical": [("c.ics", samples.ics(2))],
        "mbox": [("m.mbox", samples.mbox())],
        "slack": [("s.zip", samples.slack_zip())],
        "discourse": [("d.json", json.dumps([samples.discourse_topic(1),
                                             samples.discourse_topic(2)]).encode())],
        "meetup": [("m.csv", samples.table(mheader, mrows))],
    }


VALID = _valid()


def outcome(kind: str, name: str, raw: bytes, mapping: str | None = None) -> Batch | ParseError:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        try:
            return importers.parse(kind, path, mapping=mapping)
        except ParseError as exc:
            assert str(exc).startswith((name, "the column mapping"))  # names what is wrong
            return exc


@pytest.mark.parametrize("kind", list(importers.KINDS))
def test_valid_samples_parse(kind):
    for name, raw in VALID[kind]:
        assert isinstance(outcome(kind, name, raw), Batch)


@pytest.mark.parametrize("kind", list(importers.KINDS))
@FUZZ
@given(raw=st.binary(max_size=2000))
def test_any_bytes(kind, raw):
    name = VALID[kind][0][0]
    assert isinstance(outcome(kind, name, raw), Batch | ParseError)


@pytest.mark.parametrize("kind", list(importers.KINDS))
@FUZZ
@given(data=st.data())
def test_damaged_valid_files(kind, data):
    name, raw = data.draw(st.sampled_from(VALID[kind]))
    cut = data.draw(st.integers(0, len(raw)))
    damaged = bytearray(raw[:cut] if data.draw(st.booleans()) else raw)
    for _ in range(data.draw(st.integers(0, 4))):
        if damaged:
            i = data.draw(st.integers(0, len(damaged) - 1))
            damaged[i] = data.draw(st.integers(0, 255))
    insert = data.draw(st.text(max_size=40)).encode(data.draw(st.sampled_from(
        ["utf-8", "utf-16", "utf-8-sig"])))
    at = data.draw(st.integers(0, len(damaged)))
    damaged[at:at] = insert
    assert isinstance(outcome(kind, name, bytes(damaged)), Batch | ParseError)


@FUZZ
@given(text=st.text(max_size=600), mapping=st.one_of(st.none(), st.text(max_size=40)))
def test_tables_of_any_text_and_mapping(text, mapping):
    for kind in ("attendance", "meetup", "log"):
        assert isinstance(outcome(kind, "t.csv", text.encode("utf-8"), mapping),
                          Batch | ParseError)


@FUZZ
@given(doc=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.sampled_from(
                            ["id", "title", "post_stream", "posts", "username", "created_at",
                             "post_number", "reply_to_post_number", "cooked", "raw", "name"]),
                            inner, max_size=6), max_leaves=30))
def test_discourse_any_json_shape(doc):
    raw = json.dumps(doc).encode()
    assert isinstance(outcome("discourse", "d.json", raw), Batch | ParseError)
