"""Design guidance rules and the sharpness check (PRODUCT.md "Design")."""

from __future__ import annotations

import pytest

from netweave.core.design import guidance as g
from netweave.core.measure.card import translator

#: A sharp, established charter that triggers no rule and no finding.
SHARP = {
    "purpose": "Wijkverpleegkundigen in Utrecht-Oost bespreken elke maand lastige casussen "
               "over thuiszorg bij dementie en verbeteren samen hun overdracht.",
    "focus_tags": ["dementie", "wijkverpleging"],
    "planned_activities": "Maandelijkse intervisie",
    "cadence": "monthly",
    "expectations_bring": "Een casus per jaar",
    "primary_type": "practice",
    "secondary_types": ["place"],
    "region": "Utrecht",
    "mode": "offline_first",
    "is_new": False,
}


def rule_ids(charter: dict) -> list[str]:
    return [a.id for a in g.guidance({**SHARP, **charter})]


def finding_ids(charter: dict) -> list[str]:
    return [f.id for f in g.sharpness({**SHARP, **charter})]


def test_the_sharp_charter_gets_no_advice_and_no_findings():
    assert rule_ids({}) == []
    assert finding_ids({}) == []


def test_rule_offline_kickoff():
    assert rule_ids({"is_new": True}) == ["offline_kickoff"]
    assert "offline_kickoff" not in rule_ids({"is_new": True, "mode": "online_only"})
    # A charter without the answer is a new network.
    assert "offline_kickoff" in [a.id for a in g.guidance({"primary_type": "interest"})]


def test_rule_offer_pseudonymity():
    base = {"primary_type": "circumstance", "secondary_types": [], "mode": "online_only"}
    assert "offer_pseudonymity" in rule_ids(base)
    assert "offer_pseudonymity" not in rule_ids({**base, "identity_mode": "pseudonyms_allowed"})
    assert "offer_pseudonymity" not in rule_ids({**base, "mode": "offline_first"})
    assert "offer_pseudonymity" not in rule_ids({**base, "primary_type": "interest"})
    advice = next(a for a in g.guidance({**SHARP, **base}) if a.id == "offer_pseudonymity")
    assert advice.severity == "warning" and advice.reason


def test_rule_online_rhythm():
    assert rule_ids({"mode": "hybrid"}) == ["online_rhythm"]
    assert "online_rhythm" not in rule_ids({"mode": "online_only"})


def test_rule_goal_with_date():
    assert rule_ids({"secondary_types": ["action"]}) == ["goal_with_date"]
    assert rule_ids({"secondary_types": ["action"], "goal_date": "2027-06-01"}) == []


def test_rule_name_the_region():
    assert rule_ids({"region": ""}) == ["name_the_region"]
    assert rule_ids({"region": "", "secondary_types": []}) == []


def test_rule_practice_rhythm():
    assert rule_ids({"cadence": " "}) == ["practice_rhythm"]
    assert rule_ids({"cadence": "", "primary_type": "interest"}) == []


def test_every_rule_is_data_with_a_reason_and_is_tested():
    ids = [rule.id for rule in g.RULES]
    assert len(ids) == len(set(ids))
    tested = {name.removeprefix("test_rule_") for name in globals()
              if name.startswith("test_rule_")}
    assert set(ids) == tested
    for rule in g.RULES:
        assert rule.message and rule.reason and rule.severity in {"info", "advice", "warning"}


def test_sharpness_purpose_missing_and_short():
    assert finding_ids({"purpose": ""})[0] == "purpose_missing"
    finding = g.sharpness({**SHARP, "purpose": "Zorg in Utrecht-Oost."})[0]
    assert finding.id == "purpose_too_short" and "(3 " in finding.message


def test_sharpness_purpose_too_generic_names_the_words():
    charter = {**SHARP, "purpose": "Een netwerk om kennis te delen, samen te werken en "
                                   "elkaar te inspireren over duurzaamheid."}
    finding = next(f for f in g.sharpness(charter) if f.id == "purpose_too_generic")
    assert {"netwerk", "kennis", "duurzaamheid"} <= set(finding.words)
    english = {**SHARP, "purpose": "A network for sharing knowledge and collaboration on "
                                   "sustainability and innovation together."}
    assert "purpose_too_generic" in finding_ids(english)
    # Generic words next to enough specific ones are fine.
    assert "purpose_too_generic" not in finding_ids(
        {"purpose": SHARP["purpose"] + " We delen kennis."})


def test_sharpness_no_focus_tags():
    assert finding_ids({"focus_tags": []}) == ["no_focus_tags"]
    assert finding_ids({"focus_tags": [" "]}) == ["no_focus_tags"]


def test_sharpness_no_planned_activity():
    assert finding_ids({"planned_activities": "", "cadence": ""}) == ["no_planned_activity"]
    assert finding_ids({"planned_activities": ""}) == []


def test_sharpness_no_expectation_of_what_members_bring():
    assert finding_ids({"expectations_bring": ""}) == ["no_expectation_bring"]


def test_sharpness_too_many_types():
    assert finding_ids({"secondary_types": ["place", "action"]}) == ["too_many_types"]
    assert finding_ids({"secondary_types": ["place", "practice"]}) == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_messages_render_in_both_languages(lang):
    advice = g.guidance({"primary_type": "circumstance", "mode": "online_only"}, lang)
    findings = g.sharpness({}, lang)
    assert advice and findings
    if lang == "nl":
        assert advice[0].message != g.RULES[1].message


def test_every_message_has_a_dutch_translation():
    nl = translator("nl")
    for message in g.messages():
        assert nl.gettext(message) != message, message
