"""The Dutch catalogue is complete, compiled, current, and used by the pages."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

import netweave
from netweave.networks import services
from netweave.networks.models import Person

PACKAGE = Path(netweave.__file__).resolve().parent
#: Apps with a catalogue of their own (``<app>/locale``); the package-level catalogue
#: (``netweave/locale``) holds the messages of everything else.
OWN_CATALOGUE_APPS = sorted(p.parent.name for p in PACKAGE.glob("*/locale") if p.is_dir())


@dataclass(frozen=True)
class Catalogue:
    source: Path  # the directory whose messages the catalogue holds
    skip: tuple[str, ...]  # subdirectories with a catalogue of their own

    @property
    def po(self) -> Path:
        return self.source / "locale" / "nl" / "LC_MESSAGES" / "django.po"

    @property
    def mo(self) -> Path:
        return self.po.with_suffix(".mo")

    def __str__(self) -> str:
        return str(self.source.relative_to(PACKAGE.parent))


CATALOGUES = [Catalogue(PACKAGE, tuple(OWN_CATALOGUE_APPS))] + [
    Catalogue(PACKAGE / app, ()) for app in OWN_CATALOGUE_APPS
]
PO = CATALOGUES[0].po


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: entries with their flags, context, plural forms and strings."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish() -> None:
        nonlocal entry, target
        if entry.line:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            entry.line = entry.line or number
            continue
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            entry.line = entry.line or number
            if keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
            else:
                target = (keyword, None)
            if keyword.startswith("msgstr"):
                entry.msgstr.setdefault(target[1] or 0, "")
        name, index = target
        if name == "msgstr":
            entry.msgstr[index or 0] += value
        elif name == "msgid":
            entry.msgid += value
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
    finish()
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid and not e.obsolete]


def catalogue(path: Path) -> dict:
    with path.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]


def test_the_dutch_catalogue_exists_and_is_not_trivial():
    assert len(messages(parse_po(PO))) > 150


@pytest.mark.parametrize("cat", CATALOGUES, ids=str)
def test_every_message_has_a_dutch_translation_and_none_is_fuzzy(cat):
    assert cat.po.is_file(), f"{cat.po} is missing: run makemessages -l nl in {cat.source}"
    assert cat.mo.is_file(), f"{cat.mo} is missing: run compilemessages"
    entries = parse_po(cat.po)
    header = next(e for e in entries if not e.msgid)
    assert "fuzzy" not in header.flags, "the catalogue header is marked fuzzy"
    assert "charset=UTF-8" in header.msgstr[0]
    problems = []
    for e in messages(entries):
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy: {e.msgid!r}")
        forms = 2 if e.msgid_plural is not None else 1
        for i in range(forms):
            if not e.msgstr.get(i, "").strip():
                problems.append(f"line {e.line}: untranslated: {e.msgid!r} [{i}]")
    assert not problems, f"{cat.po}:\n" + "\n".join(problems)
    assert not [e for e in entries if e.obsolete], "obsolete (#~) entries left in the .po"


@pytest.mark.parametrize("cat", CATALOGUES, ids=str)
def test_placeholders_survive_translation(cat):
    def names(text: str) -> list[str]:
        return sorted(re.findall(r"%\(\w+\)[sd]", text))

    for e in messages(parse_po(cat.po)):
        for i, text in e.msgstr.items():
            # Plural forms follow msgid_plural; the singular form may leave out the count.
            source = e.msgid if i == 0 or e.msgid_plural is None else e.msgid_plural
            assert set(names(text)) <= set(names(source)), e.msgid
            if i > 0 or e.msgid_plural is None:
                assert names(text) == names(source), e.msgid


@pytest.mark.parametrize("cat", CATALOGUES, ids=str)
def test_the_compiled_catalogue_is_up_to_date(cat, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed to check the compiled catalogue"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(cat.po)], check=True)
    assert catalogue(cat.mo) == catalogue(fresh), f"{cat.mo} is stale: run compilemessages"


@pytest.mark.parametrize("cat", CATALOGUES, ids=str)
def test_the_catalogue_holds_every_message_of_its_sources(cat, tmp_path):
    """makemessages over a copy of the sources finds nothing the .po lacks."""
    copy = tmp_path / cat.source.name
    shutil.copytree(cat.source, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "locale", *cat.skip))
    (copy / "locale").mkdir()
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["nl"], verbosity=0)
    finally:
        os.chdir(cwd)

    def keys(path: Path) -> set[tuple]:
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in messages(parse_po(path))}

    fresh = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    missing = (keys(fresh) if fresh.exists() else set()) - keys(cat.po)
    assert not missing, (f"run makemessages -l nl in {cat.source} and translate: "
                         f"{sorted(missing, key=str)}")


# --- pages in Dutch ------------------------------------------------------------------------

@pytest.fixture
def network(db):
    facilitator = Person.objects.create(name="Fenna")
    return services.create_network(
        facilitator=facilitator, name="Warmtenet Zuid", slug="warmtenet-zuid",
        purpose="Samen van het gas af.", primary_type="place", goals="Tien straten.",
        target_mix={"residents": 1.0},
    )


@pytest.mark.django_db
def test_a_page_asked_for_in_dutch_is_dutch(client, network):
    html = client.get(reverse("home"), headers={"accept-language": "nl"}).content.decode()
    assert '<html lang="nl"' in html
    assert "Netwerken" in html and "Inloggen" in html and "Registreren" in html
    html = client.get(network.get_absolute_url(),
                      headers={"accept-language": "nl"}).content.decode()
    for label in ("Handvest", "Doel", "Doelen", "Gemeenschapstypen", "Plaats (primair)",
                  "Zichtbaarheid", "Openbaar", "Naamgebruik", "Echte namen",
                  "Beoogde mix van belanghebbenden", "Bewoners: 100%", "Leden",
                  "Netwerkregisseur", "Komende bijeenkomsten"):
        assert label in html, label


@pytest.mark.django_db
def test_the_language_switcher_sets_dutch_and_back(client, network):
    english = client.get(network.get_absolute_url()).content.decode()
    assert '<html lang="en"' in english and "Purpose" in english
    response = client.post(reverse("set_language"),
                           {"language": "nl", "next": network.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == network.get_absolute_url()
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="nl"' in html
    assert "Doel" in html and "Purpose" not in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Purpose" in client.get(network.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_password_reset_mail_is_dutch_for_a_dutch_visitor(client, mailoutbox):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("anouk", "anouk@example.org", "x-Very-long-9")
    client.post(reverse("password_reset"), {"email": "anouk@example.org"},
                headers={"accept-language": "nl"})
    assert len(mailoutbox) == 1
    assert "wachtwoord" in mailoutbox[0].subject
    assert "Je gebruikersnaam is: anouk" in mailoutbox[0].body
