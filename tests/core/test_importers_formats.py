"""Every importer on small synthetic files, good and malformed (no real people's data)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from netweave.core import importers
from netweave.core.importers import discourse, samples
from netweave.core.importers.errors import ParseError


def write(tmp_path, name: str, content: bytes | str):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def parse(tmp_path, kind: str, name: str, content: bytes | str, **kw):
    return importers.parse(kind, write(tmp_path, name, content), **kw)


def error(tmp_path, kind: str, name: str, content: bytes | str, **kw) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(tmp_path, kind, name, content, **kw)
    return info.value


# --- attendance lists ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_attendance_csv_in_every_encoding_and_delimiter(tmp_path, encoding, delimiter):
    header, rows = samples.attendance_rows()
    batch = parse(tmp_path, "attendance", "lijst.csv",
                  samples.table(header, rows, delimiter=delimiter, encoding=encoding))
    assert batch.people["anais@example.org"].name == "Anaïs Voorbeeld"  # accents survive
    assert batch.people["daan@example.org"].name == "Daan Müller"
    assert "name:cees test" in batch.people  # no e-mail: known by name
    assert sorted(e.title for e in batch.events) == ["Aftrap", "Werksessie"]
    assert len(batch.attendance) == 5 and batch.duplicates == 1
    assert batch.people["anais@example.org"].organisation == "Gemeente Voorbeeld"
    assert {a.at for a in batch.attendance if a.event.startswith("Aftrap")} == {
        datetime(2026, 1, 4, 23, tzinfo=UTC)}  # midnight in Amsterdam


def test_attendance_xlsx_with_english_headers_and_dates(tmp_path):
    header = ["First name", "Last name", "Email", "Meeting", "Date", "Mode"]
    rows = [["Anaïs", "Voorbeeld", "ANAIS@example.org", "Kick-off", datetime(2026, 3, 5, 19),
             "online"],
            ["Bram", "Proef", None, "Kick-off", datetime(2026, 3, 5, 19), "in person"]]
    batch = parse(tmp_path, "attendance", "list.xlsx", samples.xlsx(header, rows))
    assert batch.encoding == "xlsx"
    assert set(batch.people) == {"anais@example.org", "name:bram proef"}
    assert [a.online for a in batch.attendance] == [True, False]
    assert batch.events[0].starts_at == datetime(2026, 3, 5, 18, tzinfo=UTC)


def test_attendance_mapping_names_arbitrary_headers(tmp_path):
    text = "Wie kwam er,Wanneer precies,Waarvoor\nAnaïs,2026-03-05,Aftrap\n"
    err = error(tmp_path, "attendance", "raar.csv", text)
    assert err.line == 1 and "no column for person" in str(err) and "mapping" in str(err)
    batch = parse(tmp_path, "attendance", "raar.csv", text,
                  mapping="Wie kwam er=person, Wanneer precies=time, Waarvoor=event")
    assert batch.attendance[0].person == "name:anais"
    bad = error(tmp_path, "attendance", "raar.csv", text, mapping="Bestaat niet=person")
    assert "the header lacks" in str(bad) or "Bestaat niet" in str(bad)
    assert "unknown field" in str(error(tmp_path, "attendance", "raar.csv", text,
                                        mapping="Waarvoor=colour"))


def test_attendance_errors_name_file_line_and_expectation(tmp_path):
    err = error(tmp_path, "attendance", "a.csv", "naam,datum\nAnaïs,gisteren\n")
    assert (err.file, err.line) == ("a.csv", 2) and "gisteren" in str(err)
    assert "expected" in str(err)
    err = error(tmp_path, "attendance", "a.csv", "naam,e-mail,datum\nAnaïs,geen-adres,2026-01-01\n")
    assert err.line == 2 and "e-mail" in str(err)
    err = error(tmp_path, "attendance", "a.csv", "naam,datum\n,2026-01-01\n")
    assert err.line == 2
    err = error(tmp_path, "attendance", "a.csv", "naam,datum\n")
    assert "no attendance" in str(err)
    err = error(tmp_path, "attendance", "a.csv", "")
    assert "empty" in str(err)


def test_attendance_truncated_and_huge_fields(tmp_path):
    header, rows = samples.attendance_rows()
    raw = samples.table(header, rows)
    cut = raw[: raw.index(b"Werksessie") + 4]  # cut inside a row: that row lacks its date
    err = error(tmp_path, "attendance", "cut.csv", cut)
    assert err.line == 5
    quoted = b'naam,datum\n"Anais,2026-01-01\n'  # an unclosed quote runs to the end
    assert error(tmp_path, "attendance", "q.csv", quoted).file == "q.csv"
    huge = "naam,datum\n" + "x" * 20_000 + ",2026-01-01\n"
    err = error(tmp_path, "attendance", "huge.csv", huge)
    assert err.line == 2 and "20,000 characters" in str(err)


def test_attendance_times_out_of_order_give_the_same_result(tmp_path):
    header, rows = samples.attendance_rows()
    forward = parse(tmp_path, "attendance", "f.csv", samples.table(header, rows))
    backward = parse(tmp_path, "attendance", "b.csv", samples.table(header, rows[::-1]))
    assert sorted((a.person, a.event) for a in forward.attendance) == sorted(
        (a.person, a.event) for a in backward.attendance)


def test_utf16_without_bom_and_binary_are_reported(tmp_path):
    raw = "naam,datum\nAnaïs,2026-01-01\n".encode("utf-16-le")
    assert "UTF-16" in str(error(tmp_path, "attendance", "x.csv", raw))
    assert "XLSX" in str(error(tmp_path, "attendance", "x.xlsx", b"PK\x03\x04garbage"))


# --- interaction logs ------------------------------------------------------------------------

def test_log_with_and_without_header_unix_and_iso(tmp_path):
    with_header = "van;naar;tijd\nanna;bram;1767225600\nbram;anna;2026-01-01T12:00:00\n"
    bare = "anna bram 1767225600\nbram anna 2026-01-01T11:00:00Z\n"
    for name, text in (("a.csv", with_header), ("b.txt", bare)):
        batch = parse(tmp_path, "log", name, text)
        ix = batch.interactions
        assert ix.actor == ["anna", "bram"] and ix.target == ["bram", "anna"]
        assert ix.at == [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 11, tzinfo=UTC)]
        assert ix.kind == ["message", "message"]


def test_log_emails_duplicates_order_and_optional_columns(tmp_path):
    text = ("# export\nactor,target,time,kind,channel,weight\n"
            "anna@example.org,bram,2026-02-01T10:00Z,reply,offline,2.5\n"
            "bram,,2026-01-01T09:00Z,post,,\n"
            "anna@example.org,bram,2026-02-01T10:00Z,reply,offline,2.5\n")
    batch = parse(tmp_path, "log", "l.csv", text)
    assert batch.duplicates == 1 and len(batch.interactions) == 2
    assert batch.people["anna@example.org"].email == "anna@example.org"
    assert batch.interactions.target == ["bram", None]
    assert batch.interactions.weight == [2.5, 1.0]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("anna,bram,yesterday\n", 1, "time 'yesterday'"),
    ("actor,target,time\nanna,bram,1\nanna,bram\n", 3, "field(s)"),
    ("anna,bram,1,shout\n", 1, "unknown kind"),
    ("anna,bram,1,message,radio\n", 1, "unknown channel"),
    ("anna,bram,1,message,online,lots\n", 1, "not a number"),
    ("anna,bram,1,message,online,inf\n", 1, "finite"),
    (",bram,1\n", 1, "actor is empty"),
    ("actor,target\nanna,bram\n", 1, "lacks time"),
    ("# only a comment\n", None, "no interactions"),
])
def test_log_errors(tmp_path, text, line, words):
    err = error(tmp_path, "log", "log.csv", text)
    assert err.file == "log.csv" and err.line == line and words in str(err)


def test_log_encodings_and_huge_field(tmp_path):
    text = "actor,target,time\nAnaïs,Zoë,1767225600\n"
    for enc in ("utf-8", "utf-16", "cp1252"):
        batch = parse(tmp_path, "log", "l.csv", text.encode(enc))
        assert batch.interactions.actor == ["Anaïs"]
    err = error(tmp_path, "log", "l.csv", "a,b,1\n" + "a," + "b" * 20_000 + ",1\n")
    assert err.line == 2


# --- iCalendar -------------------------------------------------------------------------------

def test_ical_events_hosts_and_rsvps(tmp_path):
    batch = parse(tmp_path, "ical", "agenda.ics", samples.ics(2))
    assert [e.source_id for e in batch.events] == ["meeting-0@example.org",
                                                    "meeting-1@example.org"]
    assert batch.events[0].hosts == ["anais@example.org"]
    assert batch.events[0].ends_at - batch.events[0].starts_at == samples.timedelta(hours=2)
    assert sorted(r.status for r in batch.rsvps) == ["going", "going", "maybe", "maybe",
                                                     "not_going", "not_going"]


def test_ical_malformed(tmp_path):
    good = samples.ics(1).decode()
    assert error(tmp_path, "ical", "x.ics", "hello").line == 1
    truncated = good[: good.index("END:VEVENT")]
    err = error(tmp_path, "ical", "cut.ics", truncated)
    assert err.file == "cut.ics"
    no_uid = good.replace("UID:meeting-0@example.org\r\n", "")
    assert "no UID" in str(error(tmp_path, "ical", "x.ics", no_uid))
    backwards = good.replace("DTEND:20260105T110000Z", "DTEND:20260105T080000Z")
    assert "ends before it starts" in str(error(tmp_path, "ical", "x.ics", backwards))
    block = good[good.index("BEGIN:VEVENT"):good.index("END:VEVENT") + len("END:VEVENT\r\n")]
    twice = good.replace(block, block * 2)
    assert parse(tmp_path, "ical", "x.ics", twice).duplicates == 1
    assert "UTF-16" in str(error(tmp_path, "ical", "x.ics", good.encode("utf-16-le")))
    assert parse(tmp_path, "ical", "x.ics", good.encode("utf-16")).events  # with a BOM


# --- mbox ------------------------------------------------------------------------------------

def test_mbox_threads_from_message_ids(tmp_path):
    batch = parse(tmp_path, "mbox", "lijst.mbox", samples.mbox())
    assert [t.title for t in batch.threads] == ["Wie heeft een ladder?", "Verslag"]
    parents = {p.source_id: p.parent for p in batch.posts}
    assert parents == {"a1@example.org": None, "a2@example.org": "a1@example.org",
                       "a3@example.org": "a2@example.org", "b1@example.org": None}
    assert {p.thread for p in batch.posts[:3]} == {"a1@example.org"}


def test_mbox_out_of_order_duplicates_and_missing_parents(tmp_path):
    msgs = samples.mbox().split(b"\nFrom ")
    shuffled = b"\nFrom ".join([msgs[0], *msgs[1:][::-1]]).replace(b"From From", b"From")
    batch = parse(tmp_path, "mbox", "m.mbox", shuffled + b"\n" + samples.message(
        "a2@example.org", 1, samples.START, "Re: dubbel", "x", "a1@example.org"))
    assert batch.duplicates == 1
    assert {p.source_id: p.parent for p in batch.posts}["a3@example.org"] == "a2@example.org"
    orphan = samples.message("z@example.org", 1, samples.START, "Re: elders", "x",
                             "not-in-archive@example.org")
    lone = parse(tmp_path, "mbox", "o.mbox", orphan)
    assert lone.posts[0].parent is None and lone.threads[0].title == "elders"


def test_mbox_malformed(tmp_path):
    assert error(tmp_path, "mbox", "x.mbox", "Subject: hi\n\nbody").line == 1
    good = samples.mbox()
    cut = good[: good.index(b"Date:", good.index(b"a3@example.org"))]
    batch = parse(tmp_path, "mbox", "cut.mbox", cut)  # the cut message is skipped, listed
    assert len(batch.posts) == 3 and batch.notes == ["skipped message 4 (line 32): no Date header"]
    bad_date = good.replace(b"Date: Mon, 05 Jan 2026 09:00:00", b"Date: sometime", 1)
    notes = parse(tmp_path, "mbox", "x.mbox", bad_date).notes
    assert notes == ["skipped message 1 (line 1): unreadable Date 'sometime +0000'"]
    err = error(tmp_path, "mbox", "x.mbox", cut[cut.rindex(b"From cees"):])
    assert "no readable message" in str(err) and err.line == 1
    assert "empty" in str(error(tmp_path, "mbox", "x.mbox", b""))
    cp1252 = samples.message("c@example.org", 0, samples.START, "Caf\xe9", "x").replace(
        b"charset=utf-8", b"charset=windows-1252").replace(b"\nx\n", "\ncaf\xe9\n".encode("cp1252"))
    assert parse(tmp_path, "mbox", "c.mbox", cp1252).posts[0].body == "café"


# --- Slack -----------------------------------------------------------------------------------

def test_slack_channels_threads_reactions_mentions(tmp_path):
    batch = parse(tmp_path, "slack", "export.zip", samples.slack_zip())
    assert len(batch.threads) == 2 and len(batch.posts) == 3  # join notice and bot skipped
    reply = next(p for p in batch.posts if p.parent is not None)
    assert reply.thread == batch.threads[0].source_id
    assert sorted(r.person for r in batch.reactions) == ["bram@example.org", "cees@example.org"]
    assert batch.interactions.actor == ["anais@example.org"]
    assert batch.interactions.target == ["bram@example.org"]


def test_slack_malformed(tmp_path):
    good = samples.slack_zip()
    assert "zip" in str(error(tmp_path, "slack", "x.zip", good[: len(good) // 2]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("users.json", "[]")
    assert "channels.json" in str(error(tmp_path, "slack", "x.zip", out.getvalue()))
    bad_day = samples.slack_zip(extra_day=[{"type": "message", "user": "U1", "ts": "soon"}])
    err = error(tmp_path, "slack", "x.zip", bad_day)
    assert "energie/2026-01-07.json" in str(err) and "soon" in str(err)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", '[{"name": "a"')
    err = error(tmp_path, "slack", "x.zip", out.getvalue())
    assert "channels.json" in str(err) and err.line == 1
    huge = samples.slack_zip(extra_day=[{"type": "message", "user": "U1", "ts": "1",
                                         "text": "x" * 1_000_001}])
    assert "characters" in str(error(tmp_path, "slack", "x.zip", huge))


# --- Discourse -------------------------------------------------------------------------------

def test_discourse_topic_list_zip_and_replies(tmp_path):
    one = json.dumps(samples.discourse_topic(7, 3))
    batch = parse(tmp_path, "discourse", "t.json", one)
    parents = [p.parent for p in batch.posts]
    assert parents == [None, "post:701", "post:702", "post:703"]
    assert batch.threads[0].title == "Onderwerp 7" and batch.posts[0].body == "Bericht 1"
    both = json.dumps([samples.discourse_topic(7), samples.discourse_topic(8),
                       samples.discourse_topic(7)])
    assert parse(tmp_path, "discourse", "l.json", both).duplicates == 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("t/7.json", one)
        zf.writestr("t/8.json", json.dumps(samples.discourse_topic(8)))
    assert len(parse(tmp_path, "discourse", "z.zip", out.getvalue()).threads) == 2


def test_discourse_malformed(tmp_path):
    one = json.dumps(samples.discourse_topic())
    err = error(tmp_path, "discourse", "t.json", one[: len(one) // 2])
    assert "not valid JSON" in str(err) and err.line == 1
    assert "not a Discourse topic" in str(error(tmp_path, "discourse", "t.json", "{}"))
    topic = samples.discourse_topic()
    topic["post_stream"]["posts"][1]["created_at"] = "later"
    assert "post 2" in str(error(tmp_path, "discourse", "t.json", json.dumps(topic)))
    for encoding in ("utf-8-sig", "utf-16", "utf-16-le"):  # JSON's own encodings are detected
        assert parse(tmp_path, "discourse", "t.json", one.encode(encoding)).posts
    assert "UTF-8" in str(error(tmp_path, "discourse", "t.json", b'{"id": "\xe9"}'))


def test_discourse_fetch_reads_latest_and_missing_posts():
    topic = samples.discourse_topic(7, 3)
    first_page = dict(topic, post_stream={"posts": topic["post_stream"]["posts"][:2],
                                          "stream": topic["post_stream"]["stream"]})
    pages = {
        "https://forum.example.org/latest.json": {"topic_list": {"topics": [{"id": 7}]}},
        "https://forum.example.org/t/7.json": first_page,
        "https://forum.example.org/t/7/posts.json?post_ids[]=703&post_ids[]=704":
            {"post_stream": {"posts": topic["post_stream"]["posts"][2:]}},
    }
    topics = discourse.fetch("https://forum.example.org/",
                             opener=lambda url: json.dumps(pages[url]).encode())
    assert len(topics[0]["post_stream"]["posts"]) == 4
    with pytest.raises(ParseError):
        discourse.fetch("file:///etc/passwd")


# --- Meetup ----------------------------------------------------------------------------------

def test_meetup_rsvps_and_attendance(tmp_path):
    header, rows = samples.meetup_rows()
    for name, raw in (("m.csv", samples.table(header, rows)),
                      ("m.xlsx", samples.xlsx(header, rows))):
        batch = parse(tmp_path, "meetup", name, raw)
        assert [r.status for r in batch.rsvps] == ["going", "going", "maybe", "not_going"]
        assert [a.person for a in batch.attendance] == ["meetup:101"]
        assert batch.events[0].title == "Repair café"


def test_meetup_without_event_columns_uses_mapping_and_file_name(tmp_path):
    text = "Name,RSVP\nAnaïs Voorbeeld,Yes\n"
    err = error(tmp_path, "meetup", "Repair café.csv", text)
    assert err.line == 2 and "event_date" in str(err)
    batch = parse(tmp_path, "meetup", "Repair café.csv", text,
                  mapping="event_date=2026-01-10T14:00")
    assert batch.events[0].title == "Repair café"
    assert "unknown RSVP" in str(error(tmp_path, "meetup", "m.csv",
                                       "Name,RSVP,Event date\nA,perhaps,2026-01-01\n"))
    assert "no column for rsvp" in str(error(tmp_path, "meetup", "m.csv", "Name,Hat\nA,b\n"))


def test_unknown_kind_and_missing_file(tmp_path):
    assert "unknown import kind" in str(error(tmp_path, "fax", "x", "x"))
    with pytest.raises(ParseError, match="cannot be read"):
        importers.parse("log", tmp_path / "absent.csv")
