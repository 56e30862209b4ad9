"""Design guidance that explains itself, and the sharpness check (PRODUCT.md, "Design").

Pure core, no web framework. Both read the charter answers as a plain dict with the
:class:`netweave.networks.models.Network` field names (``purpose``, ``goals``,
``expectations_bring``, ``planned_activities``, ``cadence``, ``focus_tags``, ``region``,
``primary_type``, ``secondary_types``, ``mode``, ``identity_mode``, ...) plus two wizard
answers: ``is_new`` (the network has not met yet; default True) and ``goal_date`` (the
date of the first goal with a date; empty when no goal has one). Missing keys take the
model's defaults (mode "hybrid", identity mode "named").

Guidance is data: :data:`RULES` is a table of :class:`Rule` rows, each with a small
declarative condition (:class:`Is`, :class:`HasType`, :class:`Empty`, :class:`Not`,
:class:`All`), its advice, the reason shown with it and a severity ("info", "advice",
"warning"). :func:`guidance` returns the advice of every rule whose condition holds, in
table order. The sharpness check (:func:`sharpness`) names what is vague; its thresholds
are module constants. Messages are marked for gettext like the health card's
(:mod:`netweave.core.measure.card`) and rendered in ``lang``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netweave.core.measure.card import gettext_noop as _
from netweave.core.measure.card import translator
from netweave.core.text.words import analyse_text

__all__ = [
    "GENERIC_WORDS",
    "RULES",
    "Advice",
    "All",
    "Empty",
    "Finding",
    "HasType",
    "Is",
    "Not",
    "Rule",
    "answers",
    "guidance",
    "messages",
    "sharpness",
]

DEFAULTS: dict[str, Any] = {"mode": "hybrid", "identity_mode": "named", "is_new": True,
                            "visibility": "public"}


def answers(charter: Mapping[str, Any]) -> dict[str, Any]:
    """The charter with defaults filled in and ``types`` (primary first, no duplicates)."""
    out = {**DEFAULTS, **{k: v for k, v in charter.items() if v is not None}}
    types = [out.get("primary_type") or "", *(out.get("secondary_types") or ())]
    out["types"] = [t for t in dict.fromkeys(types) if t]
    return out


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return not value
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_blank(v) for v in value)
    return False


# --- conditions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Is:
    """The answer ``field`` equals ``value``."""

    field: str
    value: Any

    def __call__(self, a: Mapping[str, Any]) -> bool:
        return a.get(self.field) == self.value


@dataclass(frozen=True)
class HasType:
    """``type`` is the primary or one of the other community types."""

    type: str

    def __call__(self, a: Mapping[str, Any]) -> bool:
        return self.type in a.get("types", ())


@dataclass(frozen=True)
class Empty:
    """The answer ``field`` is missing, blank or an empty list."""

    field: str

    def __call__(self, a: Mapping[str, Any]) -> bool:
        return _blank(a.get(self.field))


@dataclass(frozen=True)
class Not:
    """The condition does not hold."""

    condition: Any

    def __call__(self, a: Mapping[str, Any]) -> bool:
        return not self.condition(a)


@dataclass(frozen=True)
class All:
    """Every condition holds."""

    conditions: tuple[Any, ...]

    def __call__(self, a: Mapping[str, Any]) -> bool:
        return all(c(a) for c in self.conditions)


# --- the rules table ----------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One row of guidance: when ``condition`` holds, show ``message`` with ``reason``."""

    id: str
    condition: Any
    message: str
    reason: str
    #: "info", "advice" or "warning".
    severity: str


@dataclass(frozen=True)
class Advice:
    """A rule that applies, rendered in one language."""

    id: str
    message: str
    reason: str
    severity: str


RULES: tuple[Rule, ...] = (
    Rule(
        id="offline_kickoff",
        condition=All((Is("is_new", True), Not(Is("mode", "online_only")))),
        message=_("Plan an offline kick-off first."),
        reason=_("Offline meetings matter most at the start: people who have met in person "
                 "come back and trust each other online."),
        severity="advice",
    ),
    Rule(
        id="offer_pseudonymity",
        condition=All((HasType("circumstance"), Is("mode", "online_only"),
                       Is("identity_mode", "named"))),
        message=_("Offer pseudonymity: let members take part under a pseudonym."),
        reason=_("People in a situation they did not choose often speak freely only when "
                 "they cannot be recognised, and online there is no meeting room to trust."),
        severity="warning",
    ),
    Rule(
        id="online_rhythm",
        condition=Is("mode", "hybrid"),
        message=_("Set an online rhythm between meetings, for example a discussion question "
                  "every two weeks and a short summary after each meeting."),
        reason=_("Online activity keeps a network warm between meetings; a fixed rhythm "
                 "keeps the weeks between meetings from going silent."),
        severity="info",
    ),
    Rule(
        id="goal_with_date",
        condition=All((HasType("action"), Empty("goal_date"))),
        message=_("Give at least one goal a date: what will be different, and by when?"),
        reason=_("A community of action is judged by what it changes; a goal with a date "
                 "lets members see progress and know when to celebrate."),
        severity="advice",
    ),
    Rule(
        id="name_the_region",
        condition=All((HasType("place"), Empty("region"))),
        message=_("Name the region this network is about."),
        reason=_("A community of place is found, joined and measured by its area; without "
                 "a region neighbours cannot find it."),
        severity="warning",
    ),
    Rule(
        id="practice_rhythm",
        condition=All((HasType("practice"), Empty("cadence"))),
        message=_("Agree a regular rhythm for sharing cases, for example a monthly peer "
                  "consultation."),
        reason=_("A community of practice learns by coming back: returning participants "
                 "lead its health card."),
        severity="advice",
    ),
)


def guidance(charter: Mapping[str, Any], lang: str = "en") -> list[Advice]:
    """The advice of every rule in :data:`RULES` that applies to ``charter``, in order."""
    a = answers(charter)
    t = translator(lang)
    return [Advice(rule.id, t.gettext(rule.message), t.gettext(rule.reason), rule.severity)
            for rule in RULES if rule.condition(a)]


# --- sharpness ----------------------------------------------------------------------------

#: A purpose with fewer words that carry meaning (after stop words) than this is short.
MIN_PURPOSE_WORDS = 6
#: A purpose needs at least this many specific (non-generic) words.
MIN_SPECIFIC_WORDS = 3
#: More community types than this is "too many at once".
MAX_TYPES = 2

#: Words that sound like a purpose but do not say what it is about (Dutch and English).
GENERIC_WORDS: tuple[str, ...] = (
    "samenwerken", "samenwerking", "netwerk", "netwerken", "kennis", "delen", "kennisdeling",
    "duurzaamheid", "duurzaam", "innovatie", "innovatief", "verbinden", "verbinding",
    "elkaar", "ontmoeten", "ontmoeting", "mensen", "samen", "platform", "community",
    "inspiratie", "inspireren", "leren", "ontwikkeling", "ontwikkelen", "partijen",
    "organisaties", "stakeholders", "thema", "themas", "onderwerpen", "diverse",
    "verschillende", "allerlei", "impact", "ideeen", "uitwisselen", "uitwisseling",
    "versterken", "bevorderen", "stimuleren", "collaboration", "collaborate", "network",
    "networking", "knowledge", "sharing", "share", "sustainability", "sustainable",
    "innovation", "innovative", "connect", "connecting", "connection", "people", "together",
    "meet", "meeting", "inspiration", "inspire", "learning", "learn", "development",
    "develop", "organisations", "organizations", "topics", "various", "ideas", "exchange",
    "strengthen", "promote", "stimulate",
)


def _generic_stems() -> frozenset[str]:
    stems: set[str] = set()
    for word in GENERIC_WORDS:
        for lang in ("nl", "en"):
            stems.update(s for s, _ in analyse_text(word, lang)[1])
    return frozenset(stems)


_GENERIC = _generic_stems()


@dataclass(frozen=True)
class Finding:
    """Something vague in the charter: which answer, and what to do about it."""

    id: str
    field: str
    message: str
    #: The words the finding is about (generic words found), if any.
    words: tuple[str, ...] = ()


PURPOSE_MISSING = _("There is no purpose yet: say who the network is for, what it is about "
                    "and what should change.")
PURPOSE_SHORT = _("The purpose is short (%(n)s words that carry meaning): say who the network "
                  "is for, what it is about and what should change.")
PURPOSE_GENERIC = _("The purpose leans on general words (%(words)s): name the specific "
                    "subject, people or place.")
NO_FOCUS_TAGS = _("No focus tags: add two to five tags that name the subject.")
NO_PLANNED_ACTIVITY = _("No planned activity: name the first meeting or activity and how "
                        "often the network meets.")
NO_EXPECTATION = _("It does not say what members bring: ask for something concrete, such as "
                   "a case, an hour a month or knowledge of a subject.")
TOO_MANY_TYPES = _("%(n)s community types at once: choose one primary type and at most one "
                   "other.")


def sharpness(charter: Mapping[str, Any], lang: str = "en") -> list[Finding]:
    """What is vague in ``charter``, in the order of the wizard's questions."""
    a = answers(charter)
    t = translator(lang)
    findings: list[Finding] = []
    purpose = a.get("purpose") or ""
    pairs = analyse_text(purpose)[1] if purpose.strip() else []
    if not pairs:
        findings.append(Finding("purpose_missing", "purpose", t.gettext(PURPOSE_MISSING)))
    else:
        if len(pairs) < MIN_PURPOSE_WORDS:
            findings.append(Finding("purpose_too_short", "purpose",
                                    t.gettext(PURPOSE_SHORT) % {"n": len(pairs)}))
        generic = list(dict.fromkeys(surface for stem, surface in pairs if stem in _GENERIC))
        specific = {stem for stem, _surface in pairs if stem not in _GENERIC}
        if generic and (len(specific) < MIN_SPECIFIC_WORDS or len(generic) >= len(specific)):
            findings.append(Finding("purpose_too_generic", "purpose",
                                    t.gettext(PURPOSE_GENERIC) % {"words": ", ".join(generic)},
                                    tuple(generic)))
    if _blank(a.get("focus_tags")):
        findings.append(Finding("no_focus_tags", "focus_tags", t.gettext(NO_FOCUS_TAGS)))
    if _blank(a.get("planned_activities")) and _blank(a.get("cadence")):
        findings.append(Finding("no_planned_activity", "planned_activities",
                                t.gettext(NO_PLANNED_ACTIVITY)))
    if _blank(a.get("expectations_bring")):
        findings.append(Finding("no_expectation_bring", "expectations_bring",
                                t.gettext(NO_EXPECTATION)))
    if len(a["types"]) > MAX_TYPES:
        findings.append(Finding("too_many_types", "secondary_types",
                                t.gettext(TOO_MANY_TYPES) % {"n": len(a["types"])}))
    return findings


def messages() -> list[str]:
    """Every message this module translates (for catalogue checks)."""
    rules = [text for rule in RULES for text in (rule.message, rule.reason)]
    return [*rules, PURPOSE_MISSING, PURPOSE_SHORT, PURPOSE_GENERIC, NO_FOCUS_TAGS,
            NO_PLANNED_ACTIVITY, NO_EXPECTATION, TOO_MANY_TYPES]
