"""Mailing-list archives in the shapes real archives come in (fixtures in tests/fixtures/
imports, written for these tests): pipermail, bare quoted senders, LISTSERV, odd ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netweave.core import importers
from netweave.core.importers import mbox
from netweave.core.importers.errors import ParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def read(name: str):
    return importers.parse("mbox", FIXTURES / name)


def test_pipermail_senders_names_and_list_tags():
    batch = read("pipermail.mbox")
    assert set(batch.people) == {"anais@example.org", "bram@example.org"}
    # The display name used most, not the address's local part nor a one-off short form.
    assert batch.people["anais@example.org"].name == "Anaïs Voorbeeld"
    assert batch.people["bram@example.org"].name == "Bram Proef"
    assert [t.title for t in batch.threads] == ["Wie heeft een ladder?", "Verslag"]
    assert {p.source_id: p.parent for p in batch.posts} == {
        "a1@example.org": None, "a2@example.org": "a1@example.org",
        "a3@example.org": "a2@example.org", "b1@example.org": None}
    assert batch.notes == []


def test_bare_quoted_sender_and_ids_without_brackets_keep_threads():
    batch = read("bare.mbox")
    assert batch.people["cees@example.org"].name == "Cees Test"
    assert batch.people["bram@example.org"].name == "Bram Proef"  # not 'bram'
    parents = {p.source_id: p.parent for p in batch.posts}
    root = "20260105090000.1234@mail.example.org"
    assert parents == {root: None, "20260105100000.99@mail.example.org": root,
                       "odd@id@mail.example.org": root,
                       "[c2]@mail.example.org": "odd@id@mail.example.org"}
    assert [t.title for t in batch.threads] == ["Zonnepanelen"]


def test_listserv_masked_addresses_names_only_and_bad_messages_skipped():
    batch = read("listserv.mbox")
    assert {p.name for p in batch.people.values()} == {"Daan Müller", "Eva de Vries"}
    assert all(not p.email for p in batch.people.values())
    assert [p.source_id for p in batch.posts] == [
        "d1@listserv.example.org", "e1@listserv.example.org", "d4@listserv.example.org"]
    assert batch.threads[0].title == "Bijeenkomst"
    assert batch.notes == [
        "skipped message 3 (line 18): empty message",
        "skipped message 4 (line 20): no Date header",
        "skipped message 5 (line 28): no sender in its From header"]


def test_a_file_of_only_bad_messages_is_refused_naming_the_first(tmp_path):
    text = (FIXTURES / "listserv.mbox").read_text()
    bad = tmp_path / "bad.mbox"
    bad.write_text(text[text.index("From nobody"):text.index("From daan Mon Jan  5 13")])
    with pytest.raises(ParseError) as info:
        importers.parse("mbox", bad)
    assert info.value.line == 1 and "no readable message" in str(info.value)
    assert "empty message" in str(info.value)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Anaïs Voorbeeld <ANAIS@example.org>", ("Anaïs Voorbeeld", "anais@example.org")),
    ("anais@example.org (Anaïs Voorbeeld)", ("Anaïs Voorbeeld", "anais@example.org")),
    ("anais at example.org (Anaïs Voorbeeld)", ("Anaïs Voorbeeld", "anais@example.org")),
    ("anais at example.org", ("", "anais@example.org")),
    ('"Anaïs Voorbeeld"   anais@example.org', ("Anaïs Voorbeeld", "anais@example.org")),
    ("Anaïs Voorbeeld <[log in to unmask]>", ("Anaïs Voorbeeld", "")),
    ("[log in to unmask]", ("", "")),
    ("Anaïs Voorbeeld", ("Anaïs Voorbeeld", "")),
    ('"anais@example.org" <anais@example.org>', ("", "anais@example.org")),
    ("", ("", "")),
])
def test_sender_shapes(raw, expected):
    assert mbox.sender(raw) == expected


@pytest.mark.parametrize(("subject", "title"), [
    ("[Buurt] Re: Ladder", "Ladder"), ("RE: [Buurt] AW: Antw: Ladder", "Ladder"),
    ("Re[2]: Ladder", "Ladder"), ("Re: ", "(no subject)"), ("Reünie", "Reünie"),
])
def test_titles_lose_list_tags_and_reply_prefixes(subject, title):
    assert mbox.title_of(subject) == title


ID = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                    blacklist_characters="<>"), min_size=1, max_size=30)


@given(ids=st.lists(ID, min_size=1, max_size=5))
def test_bracketed_ids_read_back_as_written(ids):
    """Slow oracle: an id in <> is exactly the text between the brackets."""
    assert mbox.message_ids(" ".join(f"<{i}>" for i in ids)) == ids
