"""One Dutch term per concept (docs/glossary.md), one translation per text across the
catalogues, and "je" instead of "u", Django's own texts included."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation

from netweave.site.django_texts import overridden_texts
from test_i18n import CATALOGUES, messages, parse_po

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def glossary_rules() -> list[tuple[str, str, list[str]]]:
    """(English pattern, required Dutch pattern, forbidden Dutch patterns) of the table
    'Terms the tests check' in docs/glossary.md."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Terms the tests check", 1)[1].split("\n## ", 1)[0]
    rules = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        english, dutch, forbidden = (c.replace("\\|", "|") for c in cells[:3])
        rules.append((english.strip("`"), dutch.strip("`"),
                      [f.strip().strip("`") for f in forbidden.split(",") if f.strip()]))
    return rules


def translations() -> list[tuple[str, int, str, str]]:
    """(catalogue, line, English without placeholders, Dutch) of every translated form."""
    out = []
    for cat in CATALOGUES:
        for e in messages(parse_po(cat.po)):
            for i, dutch in e.msgstr.items():
                english = e.msgid if i == 0 else (e.msgid_plural or e.msgid)
                out.append((str(cat), e.line, PLACEHOLDER.sub("", english), dutch))
    return out


def test_the_glossary_table_is_read():
    rules = glossary_rules()
    assert ("\\bcharters?\\b", "handvest", ["charter"]) in rules
    assert len(rules) >= 8


@pytest.mark.parametrize("rule", glossary_rules(), ids=lambda r: r[0])
def test_every_translation_uses_the_glossary_term(rule):
    english, dutch, forbidden = rule
    problems = []
    for cat, line, source, text in translations():
        if not re.search(english, source, re.IGNORECASE):
            continue
        if dutch and not re.search(dutch, text, re.IGNORECASE):
            problems.append(f"{cat} line {line}: {text!r} lacks {dutch!r}")
        for variant in forbidden:
            if re.search(variant, PLACEHOLDER.sub("", text), re.IGNORECASE):
                problems.append(f"{cat} line {line}: {text!r} uses {variant!r}")
    assert not problems, "\n".join(problems)


def test_no_text_is_translated_differently_in_two_catalogues():
    seen: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for cat in CATALOGUES:
        for e in messages(parse_po(cat.po)):
            seen[(e.msgctxt, e.msgid, e.msgid_plural)][str(cat)] = tuple(
                sorted(e.msgstr.items()))
    clashes = [f"{key[1]!r} (context {key[0]!r}): {found}" for key, found in seen.items()
               if len(set(found.values())) > 1]
    assert not clashes, "\n".join(clashes)


def test_the_password_rules_say_je_in_dutch_django_5_2_length_message_included():
    with translation.override("nl"):
        texts = overridden_texts()
        help_texts = password_validation.password_validators_help_texts()
        with pytest.raises(ValidationError) as short:
            password_validation.validate_password("kort")
    errors = [str(m) for m in short.value.messages]
    for text in texts + help_texts + errors:
        assert not re.search(r"\b(u|uw|password)\b", text, re.IGNORECASE), text
    assert "Je wachtwoord moet minstens 10 tekens lang zijn." in help_texts
    assert "Dit wachtwoord is te kort: het moet minstens 10 tekens lang zijn." in errors


def test_texts_that_clashed_read_as_the_glossary_says():
    """The texts whose translations clashed, as Dutch pages now show them."""
    from netweave.weaving.forms import ItemForm

    with translation.override("nl"):
        choices = dict(ItemForm().fields["kind"].choices)
        assert (str(choices["need"]), str(choices["offer"])) == ("zoek", "bied")
        assert translation.pgettext("data", "Retention") == "Bewaartermijnen"
        assert translation.gettext("Retention") == "Behoud"
        assert translation.pgettext("attendees", "Going") == "Komen"
        assert translation.gettext("Ties") == "Banden"
        assert translation.gettext("Upcoming events") == "Komende bijeenkomsten"
