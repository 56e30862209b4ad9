"""Small synthetic files of every import format, for tests, benchmarks and trying things out.

Every person here is invented (``example.org`` addresses); nothing describes real people.
Each builder returns the file's bytes.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

PEOPLE = [("Anaïs Voorbeeld", "anais@example.org"), ("Bram Proef", "bram@example.org"),
          ("Cees Test", "cees@example.org"), ("Daan Müller", "daan@example.org")]
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def table(header: Sequence[str], rows: Sequence[Sequence[object]], *, delimiter: str = ",",
          encoding: str = "utf-8") -> bytes:
    """A delimited table (quoted where needed) in ``encoding``."""
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode(encoding)


def xlsx(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A one-sheet workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attendance_rows() -> tuple[list[str], list[list[str]]]:
    """A Dutch-headed attendance list: four people over two meetings, one row repeated."""
    header = ["Naam", "E-mailadres", "Bijeenkomst", "Datum", "Organisatie"]
    rows = [[PEOPLE[0][0], PEOPLE[0][1], "Aftrap", "05-01-2026", "Gemeente Voorbeeld"],
            [PEOPLE[1][0], PEOPLE[1][1], "Aftrap", "05-01-2026", ""],
            [PEOPLE[2][0], "", "Aftrap", "05-01-2026", ""],
            [PEOPLE[0][0], PEOPLE[0][1], "Werksessie", "02-02-2026", "Gemeente Voorbeeld"],
            [PEOPLE[3][0], PEOPLE[3][1], "Werksessie", "02-02-2026", ""],
            [PEOPLE[3][0], PEOPLE[3][1], "Werksessie", "02-02-2026", ""]]
    return header, rows


def log(n: int, *, people: int = 50, seed: int = 1, header: bool = True,
        start: int = 1_767_225_600) -> bytes:
    """An interaction log of ``n`` lines among ``people`` invented labels (``p0`` …)."""
    import random

    rng = random.Random(seed)
    kinds = ("message", "reply", "message", "react")
    lines = ["actor,target,time,kind"] if header else []
    for i in range(n):
        a = rng.randrange(people)
        b = (a + 1 + rng.randrange(people - 1)) % people
        lines.append(f"p{a},p{b},{start + i * 7 + rng.randrange(5)},{kinds[i % 4]}")
    return ("\n".join(lines) + "\n").encode()


def ics(events: int = 2) -> bytes:
    """A calendar of ``events`` meetings, each with an organiser and three attendees."""
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//netweave//samples//EN"]
    stat = ("ACCEPTED", "TENTATIVE", "DECLINED")
    for k in range(events):
        start = START + timedelta(weeks=k)
        parts += ["BEGIN:VEVENT", f"UID:meeting-{k}@example.org",
                  f"DTSTAMP:{START:%Y%m%dT%H%M%SZ}", f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                  f"DTEND:{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
                  f"SUMMARY:Netwerkbijeenkomst {k + 1}", "LOCATION:Buurthuis Voorbeeld",
                  f"ORGANIZER;CN={PEOPLE[0][0]}:mailto:{PEOPLE[0][1]}"]
        for i in range(3):
            name, mail = PEOPLE[i + 1]
            parts.append(f"ATTENDEE;CN={name};PARTSTAT={stat[i]}:mailto:{mail}")
        parts.append("END:VEVENT")
    parts.append("END:VCALENDAR")
    return ("\r\n".join(parts) + "\r\n").encode()


def message(msg_id: str, author: int, at: datetime, subject: str, body: str,
            reply_to: str | None = None, references: Sequence[str] = ()) -> bytes:
    name, mail = PEOPLE[author]
    head = [f"From {mail} {at:%a %b %d %H:%M:%S %Y}", f"From: {name} <{mail}>",
            f"Date: {at:%a, %d %b %Y %H:%M:%S +0000}", f"Subject: {subject}",
            f"Message-ID: <{msg_id}>"]
    if reply_to:
        head.append(f"In-Reply-To: <{reply_to}>")
    if references:
        head.append("References: " + " ".join(f"<{r}>" for r in references))
    head += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\n".join(head).encode()


def mbox() -> bytes:
    """Two threads: a question with two replies (one nested), and a lone message."""
    msgs = [message("a1@example.org", 0, START, "Wie heeft een ladder?", "Voor zaterdag."),
            message("a2@example.org", 1, START + timedelta(hours=1), "Re: Wie heeft een ladder?",
                    "Ik!", "a1@example.org", ["a1@example.org"]),
            message("a3@example.org", 0, START + timedelta(hours=2), "Re: Wie heeft een ladder?",
                    "Dank je.", "a2@example.org", ["a1@example.org", "a2@example.org"]),
            message("b1@example.org", 2, START + timedelta(days=1), "Verslag", "In de bijlage.")]
    return b"".join(msgs)


def slack_zip(extra_day: list[dict] | None = None) -> bytes:
    """A workspace with two channels, a thread with a reaction, and a mention."""
    t0 = START.timestamp()
    users: list[dict[str, Any]] = [{"id": f"U{i}", "name": n.split()[0].lower(),
              "profile": {"real_name": n, "email": m}} for i, (n, m) in enumerate(PEOPLE)]
    users.append({"id": "B1", "name": "bot", "is_bot": True, "profile": {}})
    channels = [{"id": "C1", "name": "algemeen"}, {"id": "C2", "name": "energie"}]
    day1 = [{"type": "message", "user": "U0", "text": "Welkom <@U1>!", "ts": f"{t0:.6f}",
             "thread_ts": f"{t0:.6f}", "reply_count": 1,
             "reactions": [{"name": "tada", "users": ["U1", "U2"], "count": 2}]},
            {"type": "message", "user": "U1", "text": "Dank!", "ts": f"{t0 + 60:.6f}",
             "thread_ts": f"{t0:.6f}"},
            {"type": "message", "subtype": "channel_join", "user": "U3", "text": "joined",
             "ts": f"{t0 + 90:.6f}"},
            {"type": "message", "user": "B1", "text": "beep", "ts": f"{t0 + 95:.6f}"}]
    day2 = [{"type": "message", "user": "U2", "text": "Zonnepanelen?", "ts": f"{t0 + 86400:.6f}"}]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", json.dumps(users))
        zf.writestr("channels.json", json.dumps(channels))
        zf.writestr("algemeen/2026-01-05.json", json.dumps(day1))
        zf.writestr("energie/2026-01-06.json", json.dumps(day2))
        if extra_day is not None:
            zf.writestr("energie/2026-01-07.json", json.dumps(extra_day))
    return out.getvalue()


def discourse_topic(topic_id: int = 7, replies: int = 2) -> dict:
    """A topic as ``/t/<id>.json`` returns it: an opening post and ``replies`` replies."""
    posts = []
    for n in range(replies + 1):
        name = PEOPLE[n % len(PEOPLE)][0]
        posts.append({"id": topic_id * 100 + n + 1, "post_number": n + 1,
                      "username": name.split()[0].lower(), "name": name,
                      "created_at": (START + timedelta(hours=n)).isoformat(),
                      "cooked": f"<p>Bericht {n + 1}</p>",
                      "reply_to_post_number": n if n > 1 else None})
    return {"id": topic_id, "title": f"Onderwerp {topic_id}",
            "post_stream": {"posts": posts, "stream": [p["id"] for p in posts]}}


def meetup_rows() -> tuple[list[str], list[list[str]]]:
    """A Meetup attendance export of one event: RSVPs and who came."""
    header = ["Name", "User ID", "Event title", "Event date", "RSVP", "RSVPed on", "Attendance"]
    when, title = "2026-01-10T14:00", "Repair café"
    answers = [("Yes", "Attended"), ("Yes", "Noshow"), ("Maybe", ""), ("No", "")]
    rows = [[PEOPLE[i][0], str(101 + i), title, when, rsvp, f"2026-01-0{i + 2}", came]
            for i, (rsvp, came) in enumerate(answers)]
    return header, rows


# --- bad files: beyond the limits of an import (tests and bench/bad_imports.py) --------------

def slack_bomb(messages: int) -> bytes:
    """A Slack export whose one day file holds ``messages`` identical messages: it packs
    about 1,000 to 1 (a zip bomb)."""
    t0 = START.timestamp()
    one = json.dumps({"type": "message", "user": "U0", "text": "a", "ts": f"{t0:.6f}"})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("users.json", json.dumps([{"id": "U0", "name": "a", "profile": {}}]))
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "algemeen"}]))
        with zf.open("algemeen/2026-01-05.json", "w", force_zip64=True) as day:
            day.write(b"[")
            block = ((one + ",") * 10_000).encode()
            for _ in range(messages // 10_000):
                day.write(block)
            day.write(one.encode() + b"]")
    return out.getvalue()


def discourse_bomb(posts: int) -> bytes:
    """A zip of one Discourse topic with ``posts`` identical posts (a zip bomb)."""
    topic = discourse_topic(1, 0)
    post = json.dumps(topic["post_stream"]["posts"][0])
    head = json.dumps(topic)[:-len("]}}")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("t/1.json", "w", force_zip64=True) as doc:
            doc.write(head.encode())
            block = (("," + post) * 10_000).encode()
            for _ in range(posts // 10_000):
                doc.write(block)
            doc.write(b"]}}")
    return out.getvalue()


def many_members(count: int) -> bytes:
    """A Slack export with ``count`` small day files."""
    t0 = START.timestamp()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", json.dumps([{"id": "U0", "name": "a", "profile": {}}]))
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "algemeen"}]))
        for k in range(count - 2):
            zf.writestr(f"algemeen/day-{k}.json", json.dumps(
                [{"type": "message", "user": "U0", "text": "a", "ts": f"{t0 + k:.6f}"}]))
    return out.getvalue()


def raw_xlsx(sheet_xml: str) -> bytes:
    """A minimal workbook around the worksheet XML ``sheet_xml`` (written as given)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    files = {
        "[Content_Types].xml":
            f'<Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Blad1" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return out.getvalue()


def wide_xlsx(rows: int, *, columns: int = 3, dimension: str = "A1:XFD1048576") -> bytes:
    """An attendance list of ``rows`` rows of ``columns`` cells whose sheet declares the
    ``dimension`` given (by default every column Excel has): read naively, each row is
    padded to 16,384 cells."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def col(i: int) -> str:
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    def cell(r: int, c: int, text: str) -> str:
        return f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{text}</t></is></c>'

    header = ["Naam", "Bijeenkomst", "Datum"] + [f"Extra {c}" for c in range(3, columns)]
    lines = [f'<row r="1">{"".join(cell(1, c, h) for c, h in enumerate(header))}</row>']
    for r in range(2, rows + 2):
        values = [f"Persoon {r % 50}", "Aftrap", "2026-01-05"] + ["x"] * (columns - 3)
        lines.append(f'<row r="{r}">{"".join(cell(r, c, v) for c, v in enumerate(values))}'
                     "</row>")
    return raw_xlsx(f'<worksheet xmlns="{main}"><dimension ref="{dimension}"/><sheetData>'
                    + "".join(lines) + "</sheetData></worksheet>")
