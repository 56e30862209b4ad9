"""Synthetic demo networks: the data of the demo, the tests and the benchmarks.

Pure Python and numpy, no web framework. :func:`generate` builds a Dutch regional
energy-transition network; :func:`generate_peer_support` a small online, pseudonymous
peer-support circle in English. Both return a :class:`DemoNetwork` of plain records that
refer to each other by list index; every time is a timezone-aware UTC datetime. The same
arguments (including ``start``) give the same records.

What makes the data realistic: participation is heavy-tailed (a lognormal propensity per
person), founders join in month 0 and newcomers arrive over time (many at a meeting),
some people lapse and some of those leave, offline meetings are roughly monthly with a
conference and a few online sessions, RSVPs differ from attendance (no-shows and walk-ins),
online threads run between meetings, and discussion topics drift away from the charter's
focus tags over time. Large sizes are generated with vectorised numpy; people=20000,
months=36 gives about a million activity rows.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from netweave.core.activity import SECTORS

__all__ = [
    "MAIN_SLUG",
    "PASSWORD",
    "PEER_SLUG",
    "Account",
    "AttendanceRecord",
    "DemoNetwork",
    "DiscussionRecord",
    "EventRecord",
    "ExchangeRecord",
    "GiveTakeRecord",
    "IntroductionRecord",
    "MembershipRecord",
    "NetworkRecord",
    "OrganisationRecord",
    "PersonRecord",
    "PostRecord",
    "ReactionRecord",
    "RegistrationRecord",
    "StoryRecord",
    "generate",
    "generate_all",
    "generate_peer_support",
    "start_for_end",
]

#: Short names (slugs) of the two demo networks.
MAIN_SLUG = "energieregio-rivierenland"
PEER_SLUG = "carers-circle"
#: Password of every demo account (see :attr:`DemoNetwork.accounts`).
PASSWORD = "netweave-demo"

# Choice values, as the web app's models spell them.
GOV, BUS, CIV, KNOW, RES, OTH = range(6)
RSVP_STATUSES = ("going", "maybe", "not_going")
CYCLES = ("immediate", "potential", "applied", "realised", "reframing")

DAY = 86_400.0
HOUR = 3_600.0
MONTH = 30.44 * DAY


# --- records ---------------------------------------------------------------------------------

@dataclass(slots=True)
class NetworkRecord:
    """A network's charter; field names and values as in the web app's ``Network``."""

    name: str
    slug: str
    purpose: str
    goals: str
    expectations_bring: str
    expectations_get: str
    planned_activities: str
    cadence: str
    focus_tags: list[str]
    region: str
    primary_type: str
    secondary_types: list[str]
    mode: str
    visibility: str
    identity_mode: str
    target_mix: dict[str, float]
    timezone: str
    created_at: datetime


@dataclass(slots=True)
class OrganisationRecord:
    name: str
    sector: str
    municipality: str
    website: str


@dataclass(slots=True)
class PersonRecord:
    """``organisation`` is an index into :attr:`DemoNetwork.organisations` or None."""

    name: str
    email: str
    organisation: int | None
    sector: str
    interests: list[str]
    created_at: datetime


@dataclass(slots=True)
class MembershipRecord:
    person: int
    role: str
    identity: str
    pseudonym: str
    joined_at: datetime
    left_at: datetime | None


@dataclass(slots=True)
class EventRecord:
    """``hosts`` are person indexes. An event may lie after :attr:`DemoNetwork.end` (planned)."""

    title: str
    description: str
    mode: str
    location: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    hosts: tuple[int, ...]
    created_at: datetime


@dataclass(slots=True)
class RegistrationRecord:
    """An RSVP; ``status`` is going, maybe or not_going; ``updated_at`` is its last change."""

    event: int
    person: int
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class AttendanceRecord:
    """``mode`` in_person or remote; ``method`` code, list or walk_in."""

    event: int
    person: int
    mode: str
    method: str
    checked_in_at: datetime


@dataclass(slots=True)
class DiscussionRecord:
    """``accepted_answer`` is an index into :attr:`DemoNetwork.posts` or None."""

    title: str
    author: int
    is_question: bool
    created_at: datetime
    accepted_answer: int | None


@dataclass(slots=True)
class PostRecord:
    """``parent`` is None for a discussion's opening post; a parent precedes its replies."""

    discussion: int
    author: int
    parent: int | None
    body: str
    created_at: datetime


@dataclass(slots=True)
class ReactionRecord:
    post: int
    person: int
    emoji: str
    created_at: datetime


@dataclass(slots=True)
class GiveTakeRecord:
    """An offer or a need of a person in this network; ``status`` open or fulfilled."""

    person: int
    text: str
    tags: list[str]
    status: str
    created_at: datetime
    fulfilled_at: datetime | None


@dataclass(slots=True)
class ExchangeRecord:
    """``offer``/``need`` index the network's offers/needs; unconfirmed when ``confirmed_at``
    is None."""

    giver: int
    receiver: int
    offer: int | None
    need: int | None
    description: str
    weight: float
    created_at: datetime
    confirmed_at: datetime | None


@dataclass(slots=True)
class IntroductionRecord:
    introducer: int
    person_a: int
    person_b: int
    reasons: str
    created_at: datetime
    met: bool | None
    valuable: bool | None


@dataclass(slots=True)
class StoryRecord:
    """A value-creation story; ``cycle`` as in METRICS.md 8."""

    author: int
    title: str
    text: str
    cycle: str
    created_at: datetime


@dataclass(slots=True)
class Account:
    """A login for the demo: ``username`` with password :data:`PASSWORD`, as ``person``."""

    username: str
    person: int


@dataclass
class DemoNetwork:
    """One generated network. All cross-references are list indexes."""

    network: NetworkRecord
    seed: int
    start: datetime
    end: datetime
    organisations: list[OrganisationRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    memberships: list[MembershipRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    registrations: list[RegistrationRecord] = field(default_factory=list)
    attendances: list[AttendanceRecord] = field(default_factory=list)
    discussions: list[DiscussionRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    reactions: list[ReactionRecord] = field(default_factory=list)
    offers: list[GiveTakeRecord] = field(default_factory=list)
    needs: list[GiveTakeRecord] = field(default_factory=list)
    exchanges: list[ExchangeRecord] = field(default_factory=list)
    introductions: list[IntroductionRecord] = field(default_factory=list)
    stories: list[StoryRecord] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def object_count(self) -> int:
        """Number of records of every kind (for progress reporting)."""
        return sum(len(getattr(self, name)) for name in (
            "organisations", "people", "memberships", "events", "registrations",
            "attendances", "discussions", "posts", "reactions", "offers", "needs",
            "exchanges", "introductions", "stories"))

    def activity_row_estimate(self) -> int:
        """Activity rows a load writes (METRICS.md 0); the loader's own count is authoritative."""
        return (len(self.memberships)
                + sum(m.left_at is not None for m in self.memberships)
                + sum(len(e.hosts) for e in self.events)
                + len(self.registrations) + len(self.attendances) + len(self.posts)
                + len(self.reactions) + len(self.offers) + len(self.needs)
                + sum(x.confirmed_at is not None for x in self.exchanges)
                + 2 * len(self.introductions) + len(self.stories))


# --- profiles: the text and parameters of each kind of demo network -------------------------

@dataclass(frozen=True)
class _Topic:
    tag: str
    theme: str
    titles: tuple[str, ...]
    questions: tuple[str, ...]
    sentences: tuple[str, ...]
    replies: tuple[str, ...]
    answers: tuple[str, ...]


@dataclass(frozen=True)
class _Profile:
    charter: dict
    early: tuple[_Topic, ...]
    late: tuple[_Topic, ...]
    places: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    other_first_names: tuple[str, ...]
    other_last_names: tuple[str, ...]
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    generic_replies: tuple[str, ...]
    month_names: tuple[str, ...]
    meeting_title: str
    meeting_description: str
    conference_title: str
    conference_description: str
    online_title: str
    online_description: str
    recap_title: str
    recap_body: str
    venues: tuple[str, ...]
    offers: dict[int, tuple[tuple[str, tuple[str, ...]], ...]]
    needs: dict[int, tuple[tuple[str, tuple[str, ...]], ...]]
    exchange_texts: tuple[str, ...]
    intro_reasons: tuple[str, ...]
    newcomer_reason: str
    sector_names: tuple[str, ...]
    stories: dict[str, tuple[tuple[str, str], ...]]
    pseudonym_words: tuple[tuple[str, ...], tuple[str, ...]]
    emojis: tuple[str, ...]
    emoji_p: tuple[float, ...]
    accounts: tuple[str, ...]  # facilitator, second facilitator, member
    sector_mix: tuple[float, ...]
    facilitator_sectors: tuple[int, int]
    organisations: bool
    online_only: bool
    facilitators: int
    founder_share: float
    sigma: float
    lapse_p: float
    lapse_months: float
    leave_p: float
    pseudonym_share: float
    drift: bool
    events_per_month: float
    attend_scale: float
    discussion_rate: float
    replies_mean: float
    question_share: float
    reactions_mean: float
    offer_rate: float
    need_rate: float
    exchange_rate: float
    intro_rate: float
    story_rate: float
    meeting_time: tuple[int, int, float]
    online_time: tuple[int, int, float]


_NL_PLACES = (
    "Tiel", "Culemborg", "Geldermalsen", "Zaltbommel", "Buren", "Beesd", "Kesteren",
    "Opheusden", "Dodewaard", "Druten", "Beneden-Leeuwen", "Wamel", "Ammerzoden", "Kerkdriel",
    "Hedel", "Zoelen", "Maurik", "Lienden", "Varik", "Echteld", "IJzendoorn", "Asperen",
    "Heukelum", "Haaften", "Waardenburg", "Gameren", "Brakel", "Rossum", "Heerewaarden",
    "Ophemert", "Kapel-Avezaath", "Erichem", "Ingen", "Rumpt", "Enspijk", "Meteren",
    "Zuilichem", "Herwijnen", "Ochten", "Andelst", "Deil", "Est", "Tricht", "Wadenoijen",
)
_NL_MUNICIPALITIES = (
    "Tiel", "Culemborg", "West Betuwe", "Buren", "Neder-Betuwe", "Maasdriel",
    "West Maas en Waal", "Zaltbommel",
)

_ENERGY_EARLY = (
    _Topic(
        "warmtepompen", "warmtepompen in de praktijk",
        ("Ervaringen met hybride warmtepompen", "Warmtepompen in jaren-30 woningen",
         "Collectieve inkoop van warmtepompen in {place}",
         "Geluid van warmtepompen: hoe voorkom je overlast?"),
        ("Wie heeft ervaring met een hybride warmtepomp in een rijtjeshuis?",
         "Welke installateur plaatst warmtepompen zonder lange wachttijd?",
         "Is een warmtepomp zinvol zonder extra isolatie?",
         "Welke subsidie is er nu voor warmtepompen?"),
        ("Bij ons in {place} hebben inmiddels {n} huishoudens een hybride warmtepomp.",
         "De warmtepomp draait goed, maar zonder isolatie blijft het rendement tegenvallen.",
         "Installateurs in de regio hebben wachtlijsten van maanden voor warmtepompen.",
         "Een warmtepomp vraagt om lage temperatuur verwarming; nieuwe radiatoren horen erbij.",
         "We organiseren een collectieve inkoop van warmtepompen voor {place} en omgeving."),
        ("Herkenbaar, onze warmtepomp in {place} moest ook eerst goed worden ingesteld.",
         "Let bij een warmtepomp op de plek van de buitenunit, vanwege het geluid.",
         "Wij kennen een installateur die warmtepompen in {place} heeft geplaatst."),
        ("Ja, wij hebben sinds vorig jaar een hybride warmtepomp; het gasverbruik is gehalveerd.",
         "Kijk eerst naar isolatie van de schil, daarna pas naar de warmtepomp.",
         "Het energieloket in {place} geeft gratis advies over warmtepompen."),
    ),
    _Topic(
        "isolatie", "isoleren in de wijk",
        ("Spouwmuurisolatie in de wijk", "Isolatie van vloeren in oude dorpskernen",
         "Isoleren met een kleine beurs", "Isolatie-actie in {place}"),
        ("Wie kent een goede aanpak voor isolatie van huurwoningen?",
         "Hoe krijgen we meer bewoners mee in een isolatie-actie?",
         "Welke isolatie werkt in monumentale panden?"),
        ("In {place} zijn {n} woningen voorzien van spouwmuurisolatie en vloerisolatie.",
         "Isolatie levert meteen een lagere energierekening op, ook zonder grote verbouwing.",
         "De energiecoach hielp met kleine isolatie zoals tochtstrips en radiatorfolie.",
         "Isolatie van vloeren in de oude dorpskernen is lastig door lage kruipruimtes.",
         "Samen met de woningcorporatie pakken we de isolatie van {n} huurwoningen aan."),
        ("Mooi resultaat! In {place} liep de isolatie-actie ook via de buurtvereniging.",
         "Bij isolatie van vloeren werkt een demonstratie in een voorbeeldwoning goed.",
         "Wij hebben goede ervaringen met een isolatiebedrijf uit {place}."),
        ("Bij huurwoningen werkt isolatie het best als de corporatie het per complex aanpakt.",
         "Begin met een avond in het dorpshuis; bewoners overtuigen elkaar over isolatie.",
         "Voor monumenten is isolatie aan de binnenkant vaak de enige optie."),
    ),
    _Topic(
        "zonnepanelen", "zon op daken",
        ("Zonnepanelen op de sporthal", "Zonnepanelen voor huurders",
         "Daken gezocht voor zonnepanelen in {place}", "Wat nu met de salderingsregeling?"),
        ("Wie weet hoe een postcoderoos voor zonnepanelen werkt?",
         "Zijn zonnepanelen na de salderingsregeling nog rendabel?",
         "Wie heeft een groot dak beschikbaar voor zonnepanelen?"),
        ("Het zonnedak op de sporthal in {place} levert stroom voor {n} huishoudens.",
         "Na het einde van de salderingsregeling rekenen bewoners opnieuw aan zonnepanelen.",
         "Via een postcoderoos kunnen ook huurders meedoen met zonnepanelen.",
         "We zoeken grote daken voor een nieuw project met zonnepanelen in {place}.",
         "Zonnepanelen op scholen zijn een mooie manier om kinderen bij de energie te betrekken."),
        ("Top, de zonnepanelen op het dorpshuis in {place} zijn op dezelfde manier gefinancierd.",
         "Voor zonnepanelen op een schooldak moet je vroeg met het schoolbestuur praten.",
         "Wij hebben nog ruimte voor zonnepanelen op onze loods in {place}."),
        ("Een postcoderoos is een coöperatie waarin leden samen zonnepanelen bezitten.",
         "Ja, zonnepanelen blijven rendabel, al duurt de terugverdientijd wat langer.",
         "De energiecoöperatie in {place} zoekt nog daken voor zonnepanelen."),
    ),
    _Topic(
        "energiecoöperaties", "lokaal eigendom",
        ("Ledenwerving voor de energiecoöperatie", "Samenwerken tussen energiecoöperaties",
         "Nieuwe energiecoöperatie in {place}", "Participatie bij lokale projecten"),
        ("Hoe richt je een energiecoöperatie op?",
         "Wie heeft goede statuten voor een energiecoöperatie?",
         "Hoe vinden energiecoöperaties genoeg vrijwilligers?"),
        ("De energiecoöperatie in {place} telt nu {n} leden.",
         "Lokaal eigendom via een energiecoöperatie houdt de opbrengst in het dorp.",
         "Onze energiecoöperatie zoekt vrijwilligers voor de ledenwerving.",
         "Drie energiecoöperaties in de regio werken samen aan één gezamenlijk project.",
         "Via participatie in de energiecoöperatie krijgen omwonenden een deel van de opbrengst."),
        ("Mooi, de energiecoöperatie van {place} wil graag ervaringen uitwisselen.",
         "Samenwerken tussen energiecoöperaties scheelt veel dubbel werk.",
         "Ook bij ons draait de energiecoöperatie op een kleine groep vrijwilligers."),
        ("Begin met een kerngroep van vijf mensen; de koepel van energiecoöperaties helpt.",
         "De energiecoöperatie in {place} deelt haar statuten graag.",
         "Vraag vrijwilligers voor een klus, niet meteen voor een bestuursfunctie."),
    ),
    _Topic(
        "wijkaanpak", "de wijkaanpak",
        ("Keukentafelgesprekken in de wijkaanpak", "De wijkaanpak in {place}",
         "Bewoners aan tafel bij de wijkaanpak", "Lessen uit de eerste wijkaanpak"),
        ("Hoe betrek je bewoners vanaf het begin bij de wijkaanpak?",
         "Wie heeft een goed voorbeeld van een wijkaanpak in een dorp?",
         "Hoe lang duurt een wijkaanpak van start tot uitvoering?"),
        ("De wijkaanpak in {place} begint met keukentafelgesprekken met bewoners.",
         "In de transitievisie warmte staat {place} als een van de eerste wijken.",
         "Bij een goede wijkaanpak zitten bewoners vanaf het begin aan tafel.",
         "We willen de ervaringen met de wijkaanpak uit {place} delen met andere gemeenten.",
         "Energiecoaches in de wijkaanpak bereikten {n} huishoudens in één jaar."),
        ("Herkenbaar; de wijkaanpak in {place} liep pas toen de buurtvereniging meedeed.",
         "Goede les voor de wijkaanpak: eerst luisteren, dan pas plannen.",
         "Wij delen graag onze aanpak van de bewonersavonden in {place}."),
        ("Start met een bewonersavond en vraag wie wil meedenken in een wijkteam.",
         "De wijkaanpak in {place} is een goed voorbeeld voor dorpen.",
         "Reken voor een wijkaanpak op twee tot drie jaar."),
    ),
)

_ENERGY_LATE = (
    _Topic(
        "netcongestie", "netcongestie",
        ("Netcongestie op bedrijventerreinen", "Wachtrij bij de netbeheerder",
         "Netcongestie in {place}", "Cable pooling tegen netcongestie"),
        ("Wie heeft ervaring met een flexibel contract bij netcongestie?",
         "Hoe lang is de wachtrij voor een grootverbruikaansluiting nu?",
         "Kan cable pooling helpen bij netcongestie in {place}?"),
        ("Door netcongestie staan {n} bedrijven in de regio in de wachtrij voor een aansluiting.",
         "De netbeheerder verwacht pas over jaren extra transportcapaciteit in {place}.",
         "Bedrijven in {place} onderzoeken samen hoe ze hun piekbelasting verlagen.",
         "Met cable pooling delen een windpark en een zonnepark één aansluiting op het net.",
         "Netcongestie remt nieuwe projecten; we moeten slimmer met de capaciteit omgaan."),
        ("Ook in {place} staan bedrijven door netcongestie in de wachtrij.",
         "Netcongestie vraagt om samenwerking tussen bedrijven op hetzelfde terrein.",
         "De netbeheerder gaf in {place} een goede uitleg over de wachtrij."),
        ("Een flexibel contract werkt als je je piekbelasting kunt verschuiven.",
         "Reken op meerdere jaren wachttijd door netcongestie in deze regio.",
         "Cable pooling kan, als de opwek elkaar aanvult; vraag de netbeheerder om een scan."),
    ),
    _Topic(
        "batterijen", "opslag en batterijen",
        ("Een buurtbatterij in {place}", "Batterijen op bedrijventerreinen",
         "Thuisbatterij of buurtbatterij?", "Opslag naast het onderstation"),
        ("Wie heeft al een buurtbatterij gerealiseerd?",
         "Is een thuisbatterij zinvol voor een gewoon huishouden?",
         "Welke vergunning is nodig voor een grote batterij?"),
        ("De buurtbatterij in {place} slaat overdag stroom op voor de avondpiek.",
         "Een batterij op het bedrijventerrein kan de piekbelasting met {n} procent verlagen.",
         "Thuisbatterijen zijn nog duur, maar een gedeelde batterij in de wijk is interessant.",
         "We onderzoeken of een grote batterij naast het onderstation in {place} past.",
         "Met slim laden en een batterij blijft een bedrijf binnen zijn contract."),
        ("Interessant, in {place} kijken we ook naar een buurtbatterij.",
         "Let bij batterijen goed op brandveiligheid en de plek van de container.",
         "Een batterij rendeert pas echt met een slim energiemanagementsysteem."),
        ("Ja, in {place} draait sinds kort een buurtbatterij; de netbeheerder deed mee.",
         "Een thuisbatterij loont vooral als je een dynamisch contract hebt.",
         "Voor een grote batterij heb je een omgevingsvergunning nodig."),
    ),
    _Topic(
        "waterstof", "waterstof",
        ("Waterstof voor zwaar transport", "Een elektrolyser in de regio",
         "Waterstof in {place}: kans of belofte?", "Groene waterstof en de industrie"),
        ("Wie weet waar het dichtstbijzijnde waterstoftankstation komt?",
         "Is waterstof interessant voor een middelgroot transportbedrijf?",
         "Hoeveel stroom vraagt een elektrolyser?"),
        ("Een transportbedrijf in {place} wil vrachtwagens op waterstof laten rijden.",
         "Voor groene waterstof is een elektrolyser nodig, en dus veel stroom.",
         "Waterstof is vooral interessant voor de industrie en zwaar transport.",
         "Er komt mogelijk een waterstoftankstation langs de A15 bij {place}.",
         "De vraag is of waterstof in Rivierenland meer is dan een belofte."),
        ("In {place} hebben transporteurs dezelfde vraag over waterstof.",
         "Waterstof is kostbaar; kijk eerst of elektrisch rijden kan.",
         "Een elektrolyser naast een zonnepark kan, maar de business case is lastig."),
        ("Het eerste waterstoftankstation in de buurt komt waarschijnlijk bij {place}.",
         "Voor een middelgroot transportbedrijf is waterstof nu nog duur.",
         "Een elektrolyser van één megawatt maakt ongeveer vierhonderd kilo waterstof per dag."),
    ),
    _Topic(
        "energiehubs", "energiehubs",
        ("Een energiehub op bedrijventerrein {place}", "Collectief contract voor een energiehub",
         "Flexibel aansluiten", "Pilots met energiehubs"),
        ("Wie zit al in een energiehub en wil ervaringen delen?",
         "Hoe regel je een collectief contract met de netbeheerder?",
         "Welke bedrijven zijn nodig voor een goede energiehub?"),
        ("Op bedrijventerrein {place} werken {n} bedrijven aan een energiehub.",
         "Een energiehub deelt opwek, opslag en verbruik tussen bedrijven achter één aansluiting.",
         "Voor een energiehub is een collectief contract met de netbeheerder nodig.",
         "Flexibel aansluiten maakt een energiehub in {place} haalbaar.",
         "De provincie ondersteunt drie pilots met energiehubs in de regio."),
        ("Wij willen in {place} ook een energiehub starten.",
         "Een energiehub staat of valt met een goede trekker.",
         "Leuk, onze ervaringen met de energiehub delen we graag."),
        ("Wij zitten in de energiehub van {place}; bel gerust.",
         "Het collectief contract regel je als vereniging van bedrijven met de netbeheerder.",
         "Je hebt verbruikers en opwekkers nodig die elkaar in de tijd aanvullen."),
    ),
    _Topic(
        "slim laden", "slim laden",
        ("Slim laden bij de gemeente", "Laadpleinen en netcongestie",
         "Deelauto's in {place}", "Vehicle-to-grid"),
        ("Wie heeft ervaring met slim laden op een laadplein?",
         "Hoe werkt vehicle-to-grid in de praktijk?"),
        ("De gemeente {place} wil {n} laadpalen slim laten laden.",
         "Met slim laden verschuift het laden van auto's naar momenten met ruimte op het net.",
         "Deelauto's in {place} laden 's nachts, als het net rustig is.",
         "Vehicle-to-grid maakt van elektrische auto's een batterij op wielen."),
        ("In {place} draait een proef met slim laden bij het gemeentehuis.",
         "Slim laden scheelt veel, maar de laadpalen moeten het wel ondersteunen."),
        ("Op het laadplein in {place} laden auto's nu standaard slim.",
         "Vehicle-to-grid werkt alleen met auto's en laders die het ondersteunen."),
    ),
)

_NL_FIRST = (
    "Jan", "Pieter", "Kees", "Henk", "Willem", "Johan", "Gerrit", "Sander", "Bas", "Tim",
    "Thijs", "Daan", "Lars", "Ruben", "Joost", "Maarten", "Jeroen", "Niels", "Bram", "Wouter",
    "Erik", "Mark", "Rob", "Frank", "Arjan", "Martijn", "Hans", "Dirk", "Sjoerd", "Stijn",
    "Koen", "Luuk", "Jesse", "Mohamed", "Youssef", "Emre", "Anna", "Maria", "Sanne", "Lotte",
    "Femke", "Eva", "Sophie", "Lisa", "Anouk", "Iris", "Marieke", "Ingrid", "Petra", "Monique",
    "Esther", "Linda", "Annemiek", "Els", "Karin", "Marloes", "Noor", "Fleur", "Julia", "Emma",
    "Fatima", "Yasmin", "Saskia", "Mirjam", "Hanneke", "Wilma", "Ilse", "Judith", "Roos",
    "Merel", "Nina", "Lieke", "Renske", "Tessa",
)
_NL_LAST = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
    "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden",
    "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas",
    "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "de Koning",
    "van Wijk", "Postma", "Kuipers", "van Rijn", "Kramer", "Verbeek", "Timmermans",
    "Gerritsen", "van Gelder", "Hol", "van Ommeren", "Bouwman", "van Tuil", "van Zanten",
    "Schenk", "Baars", "van Oort", "Lammers", "Goossens", "Yilmaz", "El Amrani", "Öztürk",
)
_EN_FIRST = (
    "Emily", "James", "Sarah", "David", "Olivia", "Thomas", "Hannah", "Daniel", "Grace",
    "Michael", "Chloe", "Samuel", "Lucy", "Oliver", "Amelia", "Jack", "Ruth", "Peter",
    "Margaret", "Alan", "Helen", "Simon", "Claire", "Andrew",
)
_EN_LAST = (
    "Clarke", "Walker", "Mitchell", "Hughes", "Bennett", "Wright", "Cooper", "Evans",
    "Turner", "Brown", "Taylor", "Wilson", "Robinson", "Wood", "Thompson", "Hall", "Green",
    "Baker", "Harris", "Morris", "Price", "Shaw", "Ward", "Fox",
)

_ENERGY_OFFERS = {
    GOV: (("Kennis van subsidieregelingen voor isolatie en warmtepompen",
           ("isolatie", "warmtepompen")),
          ("Contact met de regisseur van de wijkaanpak in onze gemeente", ("wijkaanpak",)),
          ("Ruimte in het gemeentehuis voor bijeenkomsten", ()),
          ("Data over energieverbruik per wijk", ("wijkaanpak",)),
          ("Ervaring met het opstellen van een transitievisie warmte", ("wijkaanpak",))),
    BUS: (("Technisch advies over warmtepompen", ("warmtepompen",)),
          ("Dakruimte voor zonnepanelen op onze bedrijfshal", ("zonnepanelen",)),
          ("Ervaring met batterijopslag op een bedrijventerrein", ("batterijen",)),
          ("Kennis van aansluitingen en contracten met de netbeheerder", ("netcongestie",)),
          ("Advies over slim laden van bedrijfswagens", ("slim laden",)),
          ("Een installateur die snel kan schakelen bij isolatie", ("isolatie",))),
    CIV: (("Vrijwilligers die als energiecoach langs de deur gaan", ("wijkaanpak", "isolatie")),
          ("Ervaring met het oprichten van een energiecoöperatie", ("energiecoöperaties",)),
          ("Een netwerk van bewoners in de wijk", ("wijkaanpak",)),
          ("Een vergaderruimte in het dorpshuis", ())),
    KNOW: (("Studenten voor een onderzoeksopdracht", ()),
           ("Onderzoek naar draagvlak voor de wijkaanpak", ("wijkaanpak",)),
           ("Meetgegevens van proefwoningen met isolatie", ("isolatie",)),
           ("Een living lab voor opslag en energiehubs", ("batterijen", "energiehubs"))),
    RES: (("Mijn ervaring met een hybride warmtepomp", ("warmtepompen",)),
          ("Hulp bij het invullen van subsidieaanvragen", ()),
          ("Een rondleiding in mijn geïsoleerde jaren-30 woning", ("isolatie",)),
          ("Tijd om mee te denken in een bewonersgroep", ("wijkaanpak",))),
    OTH: (("Ervaring met het verduurzamen van huurwoningen", ("isolatie",)),
          ("Ervaring met energiebesparing in zorggebouwen", ()),
          ("Een schoolgebouw met een groot plat dak", ("zonnepanelen",))),
}
_ENERGY_NEEDS = {
    GOV: (("Bewoners die willen meedenken over de wijkaanpak", ("wijkaanpak",)),
          ("Een partner voor een buurtbatterij", ("batterijen",)),
          ("Voorbeelden van succesvolle isolatie-acties", ("isolatie",)),
          ("Bedrijven die willen meedoen in een energiehub", ("energiehubs",))),
    BUS: (("Een aansluiting ondanks netcongestie", ("netcongestie",)),
          ("Gekwalificeerde monteurs voor warmtepompen", ("warmtepompen",)),
          ("Partners voor een collectief contract met de netbeheerder",
           ("netcongestie", "energiehubs")),
          ("Afnemers voor restwarmte", ())),
    CIV: (("Financiering voor een zonnedak", ("zonnepanelen",)),
          ("Leden voor onze energiecoöperatie", ("energiecoöperaties",)),
          ("Een jurist die naar onze statuten kan kijken", ("energiecoöperaties",)),
          ("Contact met de gemeente over de wijkaanpak", ("wijkaanpak",))),
    KNOW: (("Praktijkcases voor ons onderzoek naar netcongestie", ("netcongestie",)),
           ("Woningen voor een meetproject", ("isolatie",)),
           ("Bedrijven met een stageplek", ())),
    RES: (("Een betrouwbare installateur voor isolatie", ("isolatie",)),
          ("Advies of mijn huis geschikt is voor een warmtepomp", ("warmtepompen",)),
          ("Buren om samen zonnepanelen in te kopen", ("zonnepanelen",)),
          ("Uitleg over een thuisbatterij", ("batterijen",))),
    OTH: (("Een partner om huurwoningen te isoleren", ("isolatie",)),
          ("Advies over zonnepanelen op een monumentaal gebouw", ("zonnepanelen",))),
}

_ENERGY_STORIES = {
    "immediate": (
        ("Drie tips in één avond",
         "Op de bijeenkomst in {place} kreeg ik drie bruikbare tips over {topic} die ik de "
         "volgende dag al kon gebruiken."),
        ("Eindelijk de juiste contactpersoon",
         "Na de netwerkbijeenkomst wist ik eindelijk wie ik moet bellen over {topic}."),
    ),
    "potential": (
        ("Een nieuw contact bij de netbeheerder",
         "Via het netwerk leerde ik iemand van de netbeheerder kennen; dat contact gaat ons "
         "verder helpen met {topic}."),
        ("Beter beeld van {topic}",
         "De kennissessie gaf me een goed beeld van {topic}; ik weet nu welke vragen ik moet "
         "stellen."),
    ),
    "applied": (
        ("Aanpak overgenomen in {place}",
         "We hebben de aanpak van {topic} uit een andere gemeente overgenomen in {place}."),
        ("De checklist is in gebruik",
         "De checklist die in het netwerk werd gedeeld gebruiken we nu bij elk project over "
         "{topic}."),
    ),
    "realised": (
        ("{n} woningen verder",
         "Dankzij de samenwerking uit het netwerk zijn in {place} {n} woningen aangepakt."),
        ("Project gestart in {place}",
         "Het project over {topic} in {place} is gestart met drie partners die elkaar via het "
         "netwerk vonden."),
    ),
    "reframing": (
        ("Anders kijken naar succes",
         "We meten succes niet meer alleen in aantallen, maar in hoeveel bewoners zelf "
         "meedoen."),
        ("Samen in plaats van los",
         "Het netwerk liet ons zien dat {topic} geen zaak van één gemeente is; we plannen nu "
         "regionaal."),
    ),
}

_ENERGY = _Profile(
    charter=dict(
        name="Energieregio Rivierenland",
        slug=MAIN_SLUG,
        purpose=(
            "Samen versnellen we de energietransitie in Rivierenland. Gemeenten, bedrijven, "
            "energiecoöperaties, kennisinstellingen en bewoners werken aan warmtepompen, "
            "isolatie en zonnepanelen, met een wijkaanpak die iedereen meeneemt."),
        goals=(
            "Elk jaar 2.000 woningen extra geïsoleerd in de regio.\n"
            "In elke gemeente een actieve energiecoöperatie met zonnepanelen in lokaal "
            "eigendom.\n"
            "Een gedeelde wijkaanpak voor aardgasvrije wijken, met bewoners aan tafel.\n"
            "Kennis over warmtepompen en isolatie vrij beschikbaar voor iedereen in de regio."),
        expectations_bring=(
            "Kennis en ervaring uit je eigen praktijk, een aanbod of vraag op je profiel, en de "
            "bereidheid om anderen verder te helpen."),
        expectations_get=(
            "Contacten over de grenzen van gemeenten en sectoren heen, bruikbare voorbeelden en "
            "partners voor concrete projecten."),
        planned_activities=(
            "Maandelijkse netwerkbijeenkomst op wisselende plekken in de regio.\n"
            "Online kennissessies en gesprekken tussen de bijeenkomsten.\n"
            "Een jaarlijkse Energiedag Rivierenland.\n"
            "Introducties door de netwerkregisseurs."),
        cadence="Elke maand een bijeenkomst, online contact tussendoor",
        focus_tags=["warmtepompen", "isolatie", "zonnepanelen", "energiecoöperaties",
                    "wijkaanpak"],
        region="Rivierenland (Gelderland)",
        primary_type="action",
        secondary_types=["place"],
        mode="hybrid",
        visibility="public",
        identity_mode="pseudonyms_allowed",
        target_mix={"government": 0.25, "business": 0.25, "civil_society": 0.2,
                    "knowledge": 0.1, "residents": 0.2},
        timezone="Europe/Amsterdam",
    ),
    early=_ENERGY_EARLY,
    late=_ENERGY_LATE,
    places=_NL_PLACES,
    first_names=_NL_FIRST,
    last_names=_NL_LAST,
    other_first_names=_EN_FIRST,
    other_last_names=_EN_LAST,
    openers=("", "", "Hallo allemaal!", "Even een vraag aan het netwerk.", "Ter info:",
             "Naar aanleiding van de vorige bijeenkomst:", "Misschien interessant voor velen."),
    closers=("", "", "Wie denkt er mee?", "Reacties welkom!", "Graag jullie ervaringen.",
             "Laten we dit op de volgende bijeenkomst bespreken.", "Wie wil aansluiten?"),
    generic_replies=("Dank voor het delen!", "Mooi initiatief.",
                     "Goed om te weten, dit neem ik mee naar ons team.",
                     "Eens, dit verdient meer aandacht in de regio.",
                     "Kunnen we hier eens over bellen?", "Ik stuur je een bericht.",
                     "Interessant, houd ons op de hoogte!"),
    month_names=("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                 "september", "oktober", "november", "december"),
    meeting_title="Netwerkbijeenkomst {month}: {theme}",
    meeting_description=(
        "Maandelijkse bijeenkomst van Energieregio Rivierenland, dit keer over {theme}. Met "
        "een korte pitch van een partner uit de regio, tafelgesprekken en een borrel."),
    conference_title="Energiedag Rivierenland {year}",
    conference_description=(
        "De jaarlijkse Energiedag: plenaire opening, twaalf werksessies over {theme} en meer, "
        "een informatiemarkt en volop gelegenheid om te netwerken."),
    online_title="Online kennissessie: {theme}",
    online_description=(
        "Een uur online met een korte presentatie over {theme} en ruimte voor vragen."),
    recap_title="Terugblik: {event}",
    recap_body=(
        "Dank aan iedereen die er was! We spraken over {theme}. De presentatie staat in de "
        "bijlage; vragen die bleven liggen kunnen hieronder."),
    venues=("Gemeentehuis {place}", "Dorpshuis {place}", "Bibliotheek {place}",
            "Cultureel centrum {place}", "Innovatiehub {place}", "Kantine van de sportclub in "
            "{place}"),
    offers=_ENERGY_OFFERS,
    needs=_ENERGY_NEEDS,
    exchange_texts=("Contact gelegd met de netbeheerder", "Presentatie over de wijkaanpak "
                    "gedeeld", "Meegelezen met een subsidieaanvraag",
                    "Rondleiding gegeven in een proefwoning", "Een installateur aanbevolen",
                    "Onderzoeksrapport gedeeld", "Ervaringen met een buurtbatterij gedeeld"),
    intro_reasons=(
        "Jullie werken allebei aan {topic}; vanuit {a} en {b} kunnen jullie elkaar aanvullen.",
        "De een zoekt hulp bij {topic}, de ander heeft er ervaring mee.",
        "Allebei actief rond {topic}, maar nog nooit aan dezelfde tafel."),
    newcomer_reason=(
        "Nieuw in het netwerk en geïnteresseerd in {topic}: kennismaken met iemand die er al "
        "langer mee bezig is."),
    sector_names=("de overheid", "het bedrijfsleven", "het maatschappelijk middenveld",
                  "het onderwijs en onderzoek", "de bewoners", "een andere sector"),
    stories=_ENERGY_STORIES,
    pseudonym_words=(("Groene", "Zonnige", "Stille", "Nieuwsgierige", "Zuinige", "Slimme",
                      "Warme", "Heldere"),
                     ("Buurman", "Buurvrouw", "Dijkbewoner", "Fruitteler", "Rivierkind",
                      "Polderaar", "Isoleerder", "Zonnebloem")),
    emojis=("👍", "💡", "❤️", "🙏", "🎉"),
    emoji_p=(0.55, 0.2, 0.1, 0.1, 0.05),
    accounts=("facilitator", "facilitator2", "member"),
    sector_mix=(0.27, 0.22, 0.18, 0.06, 0.22, 0.05),
    facilitator_sectors=(GOV, CIV),
    organisations=True,
    online_only=False,
    facilitators=2,
    founder_share=0.15,
    sigma=1.3,
    lapse_p=0.4,
    lapse_months=9.0,
    leave_p=0.35,
    pseudonym_share=0.04,
    drift=True,
    events_per_month=1.25,
    attend_scale=0.35,
    discussion_rate=0.09,
    replies_mean=5.0,
    question_share=0.3,
    reactions_mean=2.8,
    offer_rate=0.8,
    need_rate=0.6,
    exchange_rate=0.025,
    intro_rate=0.008,
    story_rate=0.008,
    meeting_time=(19, 30, 2.25),
    online_time=(12, 0, 1.0),
)

_CARE_TOPICS = (
    _Topic(
        "sundowning", "evenings and sundowning",
        ("Evenings are the hardest", "Sundowning again", "What helps in the late afternoon"),
        ("How do you handle sundowning?", "Does a fixed evening routine help?",
         "Anyone tried light therapy for sundowning?"),
        ("Every day around five my mother gets restless and wants to go home.",
         "Sundowning makes the evenings long; I am exhausted by nine.",
         "A walk in the afternoon seems to take the edge off the evening.",
         "Dimming the lights slowly and quiet music helped us a bit."),
        ("Same here, the late afternoon is the worst part of the day.",
         "That sounds so tiring. You are doing more than you think.",
         "We noticed the same pattern; it got better when we moved dinner earlier."),
        ("A fixed routine helped us: early dinner, a short walk, then the same music.",
         "Try to keep the afternoon calm; fewer visitors after three helped my dad.",
         "The dementia nurse suggested a daylight lamp; it made some difference."),
    ),
    _Topic(
        "respite", "respite care",
        ("Finally a weekend off", "Respite care: where to start",
         "Feeling guilty about day care"),
        ("How did you arrange respite care?", "Is day care worth it if they resist at first?",
         "Who pays for respite care?"),
        ("I had my first weekend off in a year thanks to respite care.",
         "Day care twice a week gives me room to breathe.",
         "Getting respite care arranged took months of phone calls.",
         "My father refused day care at first but now looks forward to it."),
        ("Well done for taking time for yourself, you need it.",
         "Respite is not giving up; it keeps you going.",
         "The first weeks of day care were hard for us too."),
        ("We started with one afternoon a week and built it up.",
         "Ask the case manager; they know the local respite options.",
         "In our case the insurance covered most of the day care."),
    ),
    _Topic(
        "care homes", "moving to a care home",
        ("The care home decision", "Visiting a care home", "First weeks in the care home"),
        ("How did you know it was time for a care home?",
         "What should I look for when visiting care homes?"),
        ("We visited three care homes this week; one felt right.",
         "Deciding on a care home is the hardest thing I have done.",
         "The first weeks in the care home were confusing for my mother.",
         "The staff at the care home now know her routines."),
        ("It is never an easy decision, and you made it with love.",
         "It took my dad about a month to settle in the care home.",
         "Bring familiar things from home; it helps them settle."),
        ("For us it was when I could no longer keep her safe at night.",
         "Look at how staff talk to residents, not only at the building.",
         "Ask how they handle restlessness at night."),
    ),
    _Topic(
        "family", "family and siblings",
        ("Siblings who do not help", "Sharing the care in the family",
         "When family does not understand"),
        ("How do you get siblings to share the care?",
         "How do you explain dementia to teenagers?"),
        ("My brother visits once a month and then tells me what I do wrong.",
         "We made a shared calendar so everyone in the family takes a turn.",
         "My children find it hard to see their grandmother like this."),
        ("So recognisable, it is often one person doing most of the care.",
         "A family meeting with the case manager helped us.",
         "You are allowed to ask for help, and to say what you need."),
        ("Be concrete: ask for one evening a week instead of general help.",
         "We let the teenagers help with small things; it made them feel involved."),
    ),
    _Topic(
        "paperwork", "power of attorney and paperwork",
        ("Power of attorney", "Drowning in paperwork", "Bank accounts and dementia"),
        ("When should we arrange power of attorney?",
         "Who helped you with the paperwork for care?"),
        ("We arranged power of attorney just in time.",
         "The forms for care keep coming; I keep a folder for everything.",
         "The bank was helpful once we had the right papers."),
        ("Good that you arranged it in time; it saves a lot of trouble.",
         "A folder with everything saved me hours at every appointment."),
        ("As early as possible, while your parent can still sign.",
         "The local carers' support office helped us with all the forms."),
    ),
)

_CARE = _Profile(
    charter=dict(
        name="Carers' Circle",
        slug=PEER_SLUG,
        purpose=(
            "A safe, pseudonymous place for people caring for a parent with dementia: share "
            "what works, ask what you cannot ask elsewhere, and keep each other going."),
        goals=("Nobody caring alone.\nEvery question answered within a few days.\n"
               "Monthly online check-ins that members come back to."),
        expectations_bring="Your experience, honestly shared, and kindness toward others.",
        expectations_get="Practical tips, people who understand, and room to let off steam.",
        planned_activities=("A monthly online check-in by video call.\n"
                            "Ongoing conversation on the board in between.\n"
                            "Now and then a session with a guest, such as a dementia nurse."),
        cadence="Monthly online check-in, the board in between",
        focus_tags=["dementia", "caregiving", "respite", "peer support"],
        region="",
        primary_type="circumstance",
        secondary_types=[],
        mode="online_only",
        visibility="closed",
        identity_mode="pseudonymous_only",
        target_mix={},
        timezone="Europe/Amsterdam",
    ),
    early=_CARE_TOPICS,
    late=(),
    places=("home",),
    first_names=_EN_FIRST,
    last_names=_EN_LAST,
    other_first_names=_NL_FIRST,
    other_last_names=_NL_LAST,
    openers=("", "", "Hi all!", "Need to get this off my chest.", "A small update:"),
    closers=("", "", "Thanks for listening.", "Any thoughts welcome.",
             "How do you manage this?"),
    generic_replies=("Sending you strength.", "Thank you for sharing this.",
                     "You are not alone in this.", "Take care of yourself too.",
                     "This helps me more than you know."),
    month_names=("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"),
    meeting_title="Monthly check-in ({month})",
    meeting_description="Our monthly video call. Come as you are; cameras optional.",
    conference_title="Carers' Circle get-together {year}",
    conference_description="A longer online session with a guest speaker on {theme}.",
    online_title="Guest session: {theme}",
    online_description="An online session with a guest on {theme}, with time for questions.",
    recap_title="After the call: {event}",
    recap_body="Thanks for joining the call. We talked about {theme}; continue here if you like.",
    venues=("online",),
    offers={RES: (("I can explain how we applied for respite care", ("respite",)),
                  ("Happy to share our checklist for visiting care homes", ("care homes",)),
                  ("I can listen: message me in the evening", ()),
                  ("Experience with power of attorney forms", ("paperwork",)))},
    needs={RES: (("Tips to help my mother accept help at home", ("respite",)),
                 ("Someone who went through power of attorney recently", ("paperwork",)),
                 ("Ideas for calmer evenings", ("sundowning",)),
                 ("How to talk with my siblings about sharing care", ("family",)))},
    exchange_texts=("Shared our care home checklist", "Talked through the respite forms",
                    "A long phone call on a hard evening", "Sent the power of attorney guide"),
    intro_reasons=("You are both dealing with {topic}; you might help each other.",
                   "One of you has been through {topic} already."),
    newcomer_reason="New here and facing {topic}: meet someone who has been there.",
    sector_names=("", "", "", "", "", ""),
    stories={
        "immediate": (("Not alone", "After the check-in I felt less alone with {topic}."),),
        "potential": (("A tip to try", "I picked up an idea about {topic} I want to try."),),
        "applied": (("It worked", "We tried the routine from the board for {topic}; it helps."),),
        "realised": (("A calmer home", "Thanks to the circle, {topic} is under control now."),),
        "reframing": (("Care for the carer", "I now see looking after myself as part of the "
                       "care, not as selfish."),),
    },
    pseudonym_words=(("Quiet", "Night", "Slow", "Blue", "Kind", "North", "Still", "Little"),
                     ("Harbour", "Owl", "Kettle", "River", "Wren", "Heron", "Willow", "Fern")),
    emojis=("❤️", "🙏", "👍", "🤗"),
    emoji_p=(0.45, 0.25, 0.15, 0.15),
    accounts=("circle-facilitator", "", "circle-member"),
    sector_mix=(0.0, 0.0, 0.0, 0.0, 1.0, 0.0),
    facilitator_sectors=(RES, RES),
    organisations=False,
    online_only=True,
    facilitators=1,
    founder_share=0.4,
    sigma=0.9,
    lapse_p=0.3,
    lapse_months=8.0,
    leave_p=0.5,
    pseudonym_share=1.0,
    drift=False,
    events_per_month=1.0,
    attend_scale=0.35,
    discussion_rate=0.3,
    replies_mean=4.5,
    question_share=0.4,
    reactions_mean=2.2,
    offer_rate=0.5,
    need_rate=0.6,
    exchange_rate=0.02,
    intro_rate=0.01,
    story_rate=0.02,
    meeting_time=(20, 0, 1.25),
    online_time=(20, 0, 1.0),
)


# --- public API ------------------------------------------------------------------------------

def generate(*, seed: int = 42, people: int = 150, months: int = 24, events: int | None = None,
             start: datetime | None = None) -> DemoNetwork:
    """The Dutch regional energy-transition demo network ("Energieregio Rivierenland").

    ``people`` members over ``months`` calendar months from ``start`` (timezone-aware;
    default: ``months`` months before today, 00:00 UTC, so the history ends today).
    ``events`` defaults to about 1.25 a month; the last one is planned after the end.
    """
    return _Builder(_ENERGY, seed=seed, people=people, months=months, events=events,
                    start=start).build()


def generate_peer_support(*, seed: int = 42, people: int = 20, months: int = 12,
                          events: int | None = None,
                          start: datetime | None = None) -> DemoNetwork:
    """The online-only, pseudonymous-only peer-support demo network ("Carers' Circle")."""
    return _Builder(_CARE, seed=seed, people=people, months=months, events=events,
                    start=start).build()


def generate_all(*, seed: int = 42, people: int = 150, months: int = 24,
                 events: int | None = None, start: datetime | None = None) -> list[DemoNetwork]:
    """Both demo networks, ending at the same moment: :func:`generate` with these arguments
    and a :func:`generate_peer_support` circle over the last ``min(months, 12)`` months."""
    start = _normalise_start(start, months)
    peer_months = min(months, 12)
    return [generate(seed=seed, people=people, months=months, events=events, start=start),
            generate_peer_support(seed=seed + 1, months=peer_months,
                                  start=_add_months(start, months - peer_months))]


# --- time helpers ----------------------------------------------------------------------------

def _add_months(dt: datetime, k: int) -> datetime:
    y, m = divmod(dt.month - 1 + k, 12)
    year, month = dt.year + y, m + 1
    return dt.replace(year=year, month=month, day=min(dt.day, calendar.monthrange(year, month)[1]))


def start_for_end(end: date, months: int) -> datetime:
    """The ``start`` of a history of ``months`` months that ends on ``end`` at 00:00 UTC."""
    return _add_months(datetime(end.year, end.month, end.day, tzinfo=UTC), -months)


def _normalise_start(start: datetime | None, months: int) -> datetime:
    if start is None:
        return start_for_end(datetime.now(UTC).date(), months)
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    return start.astimezone(UTC)


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(round(ts), UTC)


def _dts(ts: np.ndarray) -> list[datetime]:
    from_ts = datetime.fromtimestamp
    return [from_ts(s, UTC)
            for s in np.round(np.asarray(ts, dtype=np.float64)).astype(np.int64).tolist()]


@functools.lru_cache(maxsize=4096)
def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "." for c in plain.lower()).strip(".").replace("..", ".")


# --- the builder -----------------------------------------------------------------------------

@dataclass
class _EventPlan:
    kind: str  # meeting, conference, online, upcoming
    start: float
    end: float
    mode: str
    topic: _Topic
    created: float = 0.0


class _Builder:
    """Generates one network; the steps share the population arrays."""

    def __init__(self, profile: _Profile, *, seed: int, people: int, months: int,
                 events: int | None, start: datetime | None) -> None:
        if people < 10:
            raise ValueError("a demo network needs at least 10 people")
        if months < 1:
            raise ValueError("a demo network needs at least 1 month")
        if events is not None and events < 0:
            raise ValueError("events cannot be negative")
        self.p = profile
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        #: Scalar draws (much faster than numpy's for one value at a time), seeded from ``rng``.
        self.r = random.Random(int(self.rng.integers(1 << 62)))
        self.n = people
        self.months = months
        self.start = _normalise_start(start, months)
        self.bounds = np.array([_add_months(self.start, k).timestamp()
                                for k in range(months + 1)])
        self.bounds_l = self.bounds.tolist()
        self.t0, self.t_end = float(self.bounds[0]), float(self.bounds[-1])
        self.tz = ZoneInfo(profile.charter["timezone"])
        self.n_events = (round(months * profile.events_per_month) if events is None
                         else events)
        self._active_cache: dict[tuple[int, str], tuple[np.ndarray, ...]] = {}

    # -- helpers --

    def month_of(self, ts: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.bounds, ts, side="right") - 1, 0, self.months - 1)

    def p_late(self, ts: np.ndarray | float) -> np.ndarray:
        """Share of discussion on the late (drifted) topics at time ``ts``."""
        if not self.p.drift or not self.p.late:
            return np.zeros_like(np.asarray(ts, dtype=float))
        x = (np.asarray(ts, dtype=float) - self.t0) / (self.t_end - self.t0)
        return 0.05 + 0.85 / (1.0 + np.exp(-(x - 0.55) * 10.0))

    def topics_at(self, ts: np.ndarray) -> list[_Topic]:
        ts = np.asarray(ts, dtype=float)
        late = self.rng.random(ts.shape) < self.p_late(ts)
        e_idx = self.rng.integers(0, len(self.p.early), ts.shape)
        l_idx = self.rng.integers(0, max(1, len(self.p.late)), ts.shape)
        return [self.p.late[j] if is_late else self.p.early[i]
                for is_late, i, j in zip(late.tolist(), e_idx.tolist(), l_idx.tolist(),
                                         strict=True)]

    def active(self, m: int, which: str = "on") -> tuple[np.ndarray, np.ndarray]:
        """People who can act in month ``m`` and their sampling probabilities."""
        key = (m, which)
        if key not in self._active_cache:
            lo, hi = self.bounds[m], self.bounds[m + 1]
            idx = np.nonzero((self.arr < hi) & (self.stop > lo))[0]
            w = (self.lam_on if which == "on" else self.lam)[idx]
            self._active_cache[key] = (idx, w / w.sum(), np.cumsum(w) / w.sum())
        return self._active_cache[key][:2]

    def pick(self, months_idx: np.ndarray, which: str = "on") -> np.ndarray:
        """One person per item, drawn by propensity among those active in the item's month."""
        out = np.empty(len(months_idx), dtype=np.int64)
        if len(months_idx) == 0:
            return out
        order = np.argsort(months_idx, kind="stable")
        counts = np.bincount(months_idx, minlength=self.months)
        pos = 0
        for m, c in enumerate(counts.tolist()):
            if c:
                idx, prob = self.active(m, which)
                out[order[pos:pos + c]] = self.rng.choice(idx, size=c, p=prob)
                pos += c
        return out

    def pick_one(self, t: float, *, exclude: tuple[int, ...] = (), tries: int = 20) -> int | None:
        """One person active at time ``t`` (by propensity), or None."""
        m = min(max(bisect.bisect_right(self.bounds_l, t) - 1, 0), self.months - 1)
        self.active(m)
        idx, _, cdf = self._active_cache[(m, "on")]
        draws = np.minimum(np.searchsorted(cdf, self.rng.random(tries)), len(idx) - 1)
        for cand in idx[draws].tolist():
            if self.arr[cand] <= t < self.stop[cand] and cand not in exclude:
                return int(cand)
        return None

    def pick_index(self, k: int) -> int:
        """A uniform index below ``k``."""
        return int(self.r.random() * k)

    def fill(self, template: str, topic: _Topic | None = None) -> str:
        if "{" not in template:
            return template
        rand = self.r.random
        return template.format(place=self.p.places[int(rand() * len(self.p.places))],
                               n=int(3 + rand() * 57) * (5 if rand() < 0.3 else 1),
                               topic=topic.tag if topic else "")

    # -- steps --

    def build(self) -> DemoNetwork:
        self.plan_events()
        self.population()
        charter = dict(self.p.charter, created_at=_dt(self.t0))
        demo = DemoNetwork(network=NetworkRecord(**charter), seed=self.seed, start=self.start,
                           end=_dt(self.t_end))
        demo.organisations, person_org = self.organisations()
        demo.people = self.people(person_org)
        demo.memberships = self.memberships()
        demo.events = self.events()
        demo.registrations, demo.attendances = self.attendance()
        demo.discussions, demo.posts = self.discussions()
        demo.reactions = self.reactions()
        demo.offers, demo.needs = self.give_take()
        demo.introductions = self.introductions()
        demo.exchanges = self.exchanges(demo.offers, demo.needs, demo.introductions)
        demo.stories = self.stories()
        demo.accounts = self.accounts()
        return demo

    def plan_events(self) -> None:
        """Meeting times: roughly monthly offline, a few online, one conference, one planned."""
        p, n_ev, months = self.p, self.n_events, self.months
        self.plans: list[_EventPlan] = []
        self.historic = np.zeros(0)
        self.conference_t: float | None = None
        if n_ev == 0:
            return
        plans = self.plans
        n_off = n_ev if p.online_only else max(1, round(n_ev * 0.8))
        n_on = n_ev - n_off
        off_months = [min(months - 1, k * months // n_off) for k in range(n_off)]
        on_months = [min(months - 1, int((k + 0.5) * months / n_on)) for k in range(n_on)]
        conference = -1
        if not p.online_only and n_off >= 4:
            target = 0.4 * months
            conference = min(range(1, n_off - 1), key=lambda k: abs(off_months[k] - target))
        for k, m in enumerate(off_months):
            upcoming = k == n_off - 1 and n_ev >= 3
            if upcoming:
                day = datetime.fromtimestamp(self.t_end, self.tz).date() + timedelta(
                    days=self.r.randrange(9, 20))
            else:
                day = (datetime.fromtimestamp(self.bounds[m], self.tz).date()
                       + timedelta(days=self.r.randrange(5, 22)))
            if k == conference:
                kind, mode, (hh, mm, dur) = "conference", "offline", (9, 30, 7.0)
                if p.online_only:
                    mode = "online"
            else:
                kind = "upcoming" if upcoming else "meeting"
                mode = "online" if p.online_only else (
                    "hybrid" if self.r.random() < 0.2 else "offline")
                hh, mm, dur = p.meeting_time
                if not p.online_only and self.r.random() < 0.4:
                    hh, mm, dur = 15, 0, 2.5
            plans.append(self._plan(kind, mode, day, hh, mm, dur))
        for m in on_months:
            day = (datetime.fromtimestamp(self.bounds[m], self.tz).date()
                   + timedelta(days=self.r.randrange(3, 26)))
            mode = "hybrid" if self.r.random() < 0.2 else "online"
            plans.append(self._plan("online", mode, day, *p.online_time))
        plans.sort(key=lambda e: e.start)
        for e in plans:
            e.topic = self.topics_at(np.array([e.start]))[0]
        self.historic = np.array([e.start for e in plans if e.start < self.t_end])
        conf = [e.start for e in plans if e.kind == "conference"]
        self.conference_t = conf[0] if conf else None

    def _plan(self, kind: str, mode: str, day: date, hh: int, mm: int, dur: float) -> _EventPlan:
        if not self.p.online_only and kind != "online":
            while day.weekday() not in (1, 2, 3):  # Tuesday to Thursday
                day += timedelta(days=1)
        start = datetime.combine(day, time(hh, mm), tzinfo=self.tz).timestamp()
        return _EventPlan(kind, start, start + dur * HOUR, mode, self.p.early[0])

    def population(self) -> None:
        """Arrival, propensity, lapse and sector of every person."""
        p, rng, n = self.p, self.rng, self.n
        n_fac = p.facilitators if n >= 40 else 1
        n_found = min(n, max(n_fac + 4, round(p.founder_share * n)))
        self.n_fac, self.n_found = n_fac, n_found
        first = min(self.bounds[1], self.t0 + 14 * DAY)
        arr = np.empty(n)
        arr[:n_fac] = self.t0
        arr[n_fac:n_found] = np.sort(rng.uniform(self.t0 + HOUR, first, n_found - n_fac))
        k = n - n_found
        came = np.full(n, -1, dtype=np.int64)  # newcomers who arrived at a meeting
        if k:
            lo = self.bounds[1] if self.months > 1 else self.t0 + 14 * DAY
            base = lo + (self.t_end - lo) * rng.beta(1.3, 1.1, k)
            how = rng.random(k)
            if len(self.historic):
                nxt = np.searchsorted(self.historic, base)
                snap = (how < 0.45) & (nxt < len(self.historic))
                base[snap] = self.historic[nxt[snap]]
                came[n_found:][snap] = nxt[snap]
                if self.conference_t is not None:
                    ci = int(np.searchsorted(self.historic, self.conference_t))
                    burst = how > 0.9
                    base[burst] = self.conference_t
                    came[n_found:][burst] = ci
            order = np.argsort(base, kind="stable")
            arr[n_found:] = base[order]
            came[n_found:] = came[n_found:][order]
        self.arr, self.came = arr, came

        lam = rng.lognormal(0.0, p.sigma, n)
        lam[n_fac:n_found] *= 1.6
        lam[:n_fac] = max(float(np.quantile(lam, 0.99)), 4.0)
        self.lam = lam / lam.mean()
        self.lam_on = self.lam * rng.lognormal(0.0, 0.5, n)
        self.lam_off = self.lam * rng.lognormal(0.0, 0.5, n)

        p_lapse = np.where(self.lam < 1.0, p.lapse_p, p.lapse_p * 0.5)
        p_lapse[:n_fac] = 0.0
        lapse_t = arr + 14 * DAY + rng.exponential(p.lapse_months * MONTH, n)
        lapsed = (rng.random(n) < p_lapse) & (lapse_t < self.t_end - 30 * DAY)
        self.stop = np.where(lapsed, lapse_t, np.inf)
        left = lapse_t + rng.uniform(DAY, 60 * DAY, n)
        leaves = lapsed & (rng.random(n) < p.leave_p) & (left < self.t_end)
        self.left = np.where(leaves, left, np.nan)

        sector = rng.choice(6, size=n, p=np.array(p.sector_mix) / sum(p.sector_mix))
        sector[0] = p.facilitator_sectors[0]
        if n_fac > 1:
            sector[1] = p.facilitator_sectors[1]
        self.sector = sector

    def organisations(self) -> tuple[list[OrganisationRecord], np.ndarray]:
        """Organisations (only those with members) and each person's organisation or -1."""
        n, rng = self.n, self.rng
        org_of = np.full(n, -1, dtype=np.int64)
        if not self.p.organisations:
            return [], org_of
        names: list[str] = []
        sectors: list[int] = []
        seen: set[str] = set()
        for s in range(6):
            members = np.nonzero(self.sector == s)[0]
            if s == RES:
                members = members[rng.random(len(members)) < 0.1]
            else:
                members = members[rng.random(len(members)) < 0.95]
            if s == GOV and self.n_fac >= 1:
                members = np.union1d(members, [0])
            if s == CIV and self.n_fac >= 2:
                members = np.union1d(members, [1])
            if not len(members):
                continue
            pool = self._org_names(s, max(1, len(members) // (12 if s == GOV else 3)), seen)
            w = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
            choice = rng.choice(len(pool), size=len(members), p=w / w.sum())
            if s == GOV:
                choice[members == 0] = pool.index("Regio Rivierenland") if (
                    "Regio Rivierenland" in pool) else 0
            base = len(names)
            names.extend(pool)
            sectors.extend([s] * len(pool))
            org_of[members] = base + choice
        used = np.unique(org_of[org_of >= 0])
        remap = np.full(len(names), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        org_of = np.where(org_of >= 0, remap[np.maximum(org_of, 0)], -1)
        muni = rng.integers(0, len(_NL_MUNICIPALITIES), len(used))
        orgs = []
        for j, i in enumerate(used.tolist()):
            name = names[i]
            slug = _ascii(name).replace(".", "-")
            orgs.append(OrganisationRecord(
                name=name, sector=SECTORS[sectors[i]],
                municipality=_NL_MUNICIPALITIES[int(muni[j])],
                website=f"https://www.{slug}.example" if j % 3 else ""))
        return orgs, org_of

    def _org_names(self, sector: int, count: int, seen: set[str]) -> list[str]:
        if sector == GOV:
            fixed = ["Regio Rivierenland", "Provincie Gelderland", "Waterschap Rivierenland",
                     *(f"Gemeente {m}" for m in _NL_MUNICIPALITIES),
                     "Omgevingsdienst Rivierenland"]
            out = [x for x in fixed if x not in seen][:max(count, 4)]
            seen.update(out)
            return out
        templates = {
            BUS: ("{s} Installatietechniek", "Installatiebedrijf {s}", "{s} Elektrotechniek",
                  "Bouwbedrijf {s}", "Zonnestroom {p}", "{s} Isolatie", "{s} Klimaattechniek",
                  "Warmtepompcentrum {p}", "Adviesbureau {s}", "{s} Energieadvies",
                  "Fruitbedrijf {s}", "Transportbedrijf {s}", "Kwekerij {s}",
                  "{s} Laadoplossingen", "Loonbedrijf {s}", "Netwerkbedrijf {p}",
                  "{s} & {s2} Techniek", "{s} & {s2} Adviseurs", "Bouwcombinatie {s}-{s2}"),
            CIV: ("Energiecoöperatie {p}", "Stichting Duurzaam {p}", "Dorpsraad {p}",
                  "Wijkraad {p}-{d}", "Repair Café {p}", "Natuur- en Milieugroep {p}",
                  "Stichting Zon op {p}", "Energieloket {p}"),
            KNOW: ("Hogeschool Rivierenland", "Kenniscentrum Energie Betuwe", "ROC Rivierenland",
                   "Lectoraat Warmtetransitie", "Living Lab {p}", "Techniekcollege {p}",
                   "Kennispunt Energie {p}"),
            RES: ("Bewonersinitiatief {p}", "Buurtinitiatief {p}-{d}", "Bewonersgroep {p}"),
            OTH: ("Woonstichting {p}", "Zorgcentrum De {w}", "Sportvereniging {p}",
                  "Basisschool De {w}", "Woningcorporatie {w}"),
        }[sector]
        words = ("Linde", "Waard", "Boomgaard", "Uiterwaard", "Kersenbongerd", "Dijk", "Haven",
                 "Klaproos", "Appelhof", "Wielewaal")
        dirs = ("Noord", "Zuid", "Oost", "West", "Centrum")
        out: list[str] = []
        attempts = 0
        while len(out) < count and attempts < count * 20 + 100:
            attempts += 1
            t = templates[self.pick_index(len(templates))]
            name = t.format(s=_NL_LAST[self.pick_index(len(_NL_LAST))],
                            s2=_NL_LAST[self.pick_index(len(_NL_LAST))],
                            p=_NL_PLACES[self.pick_index(len(_NL_PLACES))],
                            d=dirs[self.pick_index(len(dirs))],
                            w=words[self.pick_index(len(words))])
            name = name[0].upper() + name[1:]
            if name in seen:
                continue
            seen.add(name)
            out.append(name)
        k = 0
        while len(out) < count:  # very large networks: numbered branches
            name = f"{out[k % len(out)]} {k // len(out) + 2}" if out else f"Organisatie {k}"
            k += 1
            if name not in seen:
                seen.add(name)
                out.append(name)
        return out

    def people(self, org_of: np.ndarray) -> list[PersonRecord]:
        p, rng, n = self.p, self.rng, self.n
        other = rng.random(n) < 0.1
        other[:self.n_fac] = False
        fi = rng.integers(0, 1 << 30, n)
        li = rng.integers(0, 1 << 30, n)
        n_tags = rng.integers(1, 4, n)
        all_topics = p.early + p.late
        late_share = self.p_late(self.arr)
        created = _dts(self.arr)
        out = []
        for i in range(n):
            if other[i]:
                first = p.other_first_names[fi[i] % len(p.other_first_names)]
                last = p.other_last_names[li[i] % len(p.other_last_names)]
            else:
                first = p.first_names[fi[i] % len(p.first_names)]
                last = p.last_names[li[i] % len(p.last_names)]
            name = f"{first} {last}"
            interests: list[str] = []
            for _ in range(int(n_tags[i])):
                group = p.late if (p.late and self.r.random() < late_share[i]) else p.early
                tag = group[self.pick_index(len(group))].tag
                if tag not in interests:
                    interests.append(tag)
            if not all_topics:
                interests = []
            org = int(org_of[i])
            out.append(PersonRecord(
                name=name, email=f"{_ascii(first)}.{_ascii(last)}.{i}@example.org",
                organisation=org if org >= 0 else None, sector=SECTORS[int(self.sector[i])],
                interests=interests, created_at=created[i]))
        return out

    def memberships(self) -> list[MembershipRecord]:
        p, rng, n = self.p, self.rng, self.n
        joined = _dts(self.arr)
        pseudo = rng.random(n) < (p.pseudonym_share * np.where(self.sector == RES, 3.0, 0.5))
        if p.pseudonym_share >= 1.0:
            pseudo[:] = True
        else:
            pseudo[:self.n_fac] = False
        adjectives, nouns = p.pseudonym_words
        taken: set[str] = set()
        out = []
        for i in range(n):
            pseudonym = ""
            if pseudo[i]:
                base = (adjectives[self.pick_index(len(adjectives))]
                        + nouns[self.pick_index(len(nouns))])
                pseudonym, k = base, 2
                while pseudonym in taken:
                    pseudonym = f"{base}{k}"
                    k += 1
                taken.add(pseudonym)
            left = None if math.isnan(self.left[i]) else _dt(float(self.left[i]))
            out.append(MembershipRecord(
                person=i, role="facilitator" if i < self.n_fac else "member",
                identity="pseudonym" if pseudo[i] else "real", pseudonym=pseudonym,
                joined_at=joined[i], left_at=left))
        self.pseudonymous = pseudo
        return out

    def events(self) -> list[EventRecord]:
        p = self.p
        out = []
        self.hosts: list[tuple[int, ...]] = []
        for k, e in enumerate(self.plans):
            local = datetime.fromtimestamp(e.start, self.tz)
            theme = e.topic.theme
            if e.kind == "conference":
                title = p.conference_title.format(year=local.year, theme=theme)
                desc = p.conference_description.format(theme=theme)
            elif e.kind == "online":
                title = p.online_title.format(theme=theme)
                desc = p.online_description.format(theme=theme)
            else:
                title = p.meeting_title.format(month=p.month_names[local.month - 1], theme=theme)
                desc = p.meeting_description.format(theme=theme)
            online = e.mode != "offline"
            location = "" if e.mode == "online" else self.fill(
                p.venues[self.pick_index(len(p.venues))])
            url = f"https://meet.example.org/{p.charter['slug']}-{k + 1}" if online else ""
            hosts = [0]
            if self.n_fac > 1 and self.r.random() < 0.5:
                hosts.append(1)
            if e.kind in ("meeting", "upcoming") and not p.online_only and self.r.random() < 0.4:
                cand = self.pick_one(min(e.start, self.t_end - HOUR), exclude=tuple(hosts))
                if (cand is not None and cand >= self.n_fac and self.came[cand] != k
                        and not self.pseudonymous[cand]):
                    hosts.append(cand)
            self.hosts.append(tuple(hosts))
            created = max(self.t0, e.start - self.r.uniform(21, 42) * DAY)
            if e.kind == "upcoming":
                created = min(created, self.t_end - 7 * DAY)
            e.created = created
            out.append(EventRecord(
                title=title, description=desc, mode=e.mode, location=location, online_url=url,
                starts_at=_dt(e.start), ends_at=_dt(e.end), capacity=None,
                hosts=tuple(hosts), created_at=_dt(created)))
        self.event_records = out
        return out

    def attendance(self) -> tuple[list[RegistrationRecord], list[AttendanceRecord]]:
        """RSVPs and attendance per event: no-shows, walk-ins and newcomers at the door."""
        p, rng = self.p, self.rng
        regs: list[tuple[np.ndarray, ...]] = []
        atts: list[tuple[np.ndarray, ...]] = []
        scale = {"meeting": 1.0, "upcoming": 1.0, "conference": 3.5, "online": 0.5}
        for k, e in enumerate(self.plans):
            upcoming = e.start >= self.t_end
            at = self.t_end - HOUR if upcoming else e.start
            elig = np.nonzero((self.arr <= at) & (self.stop > at))[0]
            here = elig[self.came[elig] == k]
            others = elig[self.came[elig] != k]
            lam = self.lam_off[others] if e.mode != "online" else (
                0.5 * (self.lam_off[others] + self.lam_on[others]))
            boost = np.where(e.start - self.arr[others] < 60 * DAY, 1.8, 1.0)
            q = 1.0 - np.exp(-p.attend_scale * scale[e.kind] * lam * boost)
            hosts = np.isin(others, self.hosts[k])
            intend = (rng.random(len(others)) < q) | hosts
            r = rng.random(len(others))
            status = np.full(len(others), -1)
            status[intend & (r < 0.78)] = 0
            status[intend & (r >= 0.78) & (r < 0.88)] = 1
            status[~intend & (r < 0.05)] = 2
            status[~intend & (r >= 0.05) & (r < 0.08)] = 1
            status[hosts] = 0
            can_rsvp = self.arr[others] < e.start - 2 * HOUR
            if upcoming:
                can_rsvp &= self.arr[others] < self.t_end - 2 * HOUR
            status[~can_rsvp] = -1
            has = status >= 0
            if has.any():
                who = others[has]
                lo = np.maximum(e.created, self.arr[who] + HOUR)
                hi = np.full(len(who), (min(e.start, self.t_end) if upcoming else e.start)
                             - 2 * HOUR)
                lo = np.minimum(lo, hi)
                created = lo + (hi - lo) * rng.beta(2.0, 1.2, len(who))
                changed = rng.random(len(who)) < 0.1
                updated = np.where(changed, created + (hi - created) * rng.random(len(who)),
                                   created)
                regs.append((np.full(len(who), k), who, status[has], created, updated))
            if upcoming:
                continue
            u = rng.random(len(others))
            attend = np.zeros(len(others), dtype=bool)
            attend |= (status == 0) & (u < 0.86)
            attend |= (status == 1) & intend & (u < 0.6)
            attend |= (status == 1) & ~intend & (u < 0.1)
            attend |= (status == -1) & intend
            attend |= hosts
            walk_in = (status == -1) & intend
            new_here = here[rng.random(len(here)) < 0.9]
            who = np.concatenate([others[attend], new_here])
            walk = np.concatenate([walk_in[attend], np.ones(len(new_here), dtype=bool)])
            if e.mode == "online":
                remote = np.ones(len(who), dtype=bool)
            elif e.mode == "hybrid":
                remote = (rng.random(len(who)) < 0.35) & ~walk
            else:
                remote = np.zeros(len(who), dtype=bool)
            method = np.where(walk & ~remote, 2, np.where(
                remote | (rng.random(len(who)) < 0.6), 1, 0))
            t = e.start + np.clip(rng.normal(5 * 60, 8 * 60, len(who)), -20 * 60, 45 * 60)
            t = np.maximum(t, self.arr[who])
            atts.append((np.full(len(who), k), who, remote, method, t))
            if e.kind == "conference":
                cap = max(len(who), int((status == 0).sum()))
                self.event_records[k].capacity = int(math.ceil(cap * 1.2 / 50.0) * 50)

        registrations: list[RegistrationRecord] = []
        if regs:
            ev, who, st, cr, up = (np.concatenate(c) for c in zip(*regs, strict=True))
            crs, ups = _dts(cr), _dts(up)
            registrations = [
                RegistrationRecord(a, b, RSVP_STATUSES[c], d, f)
                for a, b, c, d, f in zip(ev.tolist(), who.tolist(), st.tolist(), crs, ups,
                                         strict=True)]
        attendances: list[AttendanceRecord] = []
        if atts:
            ev, who, remote, method, t = (np.concatenate(c) for c in zip(*atts, strict=True))
            self.att_event, self.att_person = ev, who
            methods = ("code", "list", "walk_in")
            attendances = [
                AttendanceRecord(a, b, "remote" if c else "in_person", methods[d], f)
                for a, b, c, d, f in zip(ev.tolist(), who.tolist(), remote.tolist(),
                                         method.tolist(), _dts(t), strict=True)]
        else:
            self.att_event = self.att_person = np.zeros(0, dtype=np.int64)
        return registrations, attendances

    def discussions(self) -> tuple[list[DiscussionRecord], list[PostRecord]]:
        """Threads between meetings: openings by propensity, replies that target a parent."""
        p, rng = self.p, self.rng
        # Openings, month by month.
        d_m_parts, d_a_parts, d_t_parts = [], [], []
        for m in range(self.months):
            idx, prob = self.active(m, "on")
            expected = p.discussion_rate * float(self.lam_on[idx].sum())
            c = int(rng.poisson(expected))
            if not c:
                continue
            authors = rng.choice(idx, size=c, p=prob)
            lo = np.maximum(self.bounds[m], self.arr[authors])
            hi = np.minimum(self.bounds[m + 1], self.stop[authors])
            d_m_parts.append(np.full(c, m))
            d_a_parts.append(authors)
            d_t_parts.append(lo + (hi - lo) * rng.random(c))
        # Recaps by a facilitator after past meetings.
        recap_event = []
        for k, e in enumerate(self.plans):
            if e.kind != "online" and e.start < self.t_end and self.r.random() < 0.75:
                t = e.end + self.r.uniform(0.5, 3.0) * DAY
                if t < self.t_end:
                    recap_event.append(k)
                    d_m_parts.append(self.month_of(np.array([t])))
                    d_a_parts.append(np.array([self.hosts[k][0]]))
                    d_t_parts.append(np.array([t]))
        n_recaps = len(recap_event)
        if not d_t_parts:
            self.post_t = np.zeros(0)
            self.post_author = self.post_parent = self.post_disc = np.zeros(0, dtype=np.int64)
            return [], []
        d_a = np.concatenate(d_a_parts)
        d_t = np.concatenate(d_t_parts)
        d_m = np.concatenate(d_m_parts)
        is_recap = np.zeros(len(d_t), dtype=bool)
        recap_of = np.full(len(d_t), -1)
        if n_recaps:
            is_recap[-n_recaps:] = True
            recap_of[-n_recaps:] = recap_event
        order = np.argsort(d_t, kind="stable")
        d_a, d_t, d_m, is_recap, recap_of = (x[order] for x in (d_a, d_t, d_m, is_recap,
                                                                   recap_of))
        n_d = len(d_t)
        question = (rng.random(n_d) < p.question_share) & ~is_recap
        topics = self.topics_at(d_t)
        for j in np.nonzero(is_recap)[0].tolist():
            topics[j] = self.plans[int(recap_of[j])].topic

        # Replies: counts, delays, authors.
        mean = np.where(is_recap, p.replies_mean * 0.5, p.replies_mean)
        disp = 1.2
        counts = rng.negative_binomial(disp, disp / (disp + mean))
        r_d = np.repeat(np.arange(n_d), counts)
        r_t = d_t[r_d] + np.exp(rng.normal(math.log(6 * HOUR), 1.4, len(r_d)))
        r_a = self.pick(d_m[r_d], "on")
        own = rng.random(len(r_d)) < 0.25
        r_a[own] = d_a[r_d[own]]
        r_t = np.maximum(r_t, self.arr[r_a] + 10 * 60)
        keep = (r_t < self.stop[r_a]) & (r_t < self.t_end)
        r_d, r_t, r_a = r_d[keep], r_t[keep], r_a[keep]
        order = np.lexsort((r_t, r_d))
        r_d, r_t, r_a = r_d[order], r_t[order], r_a[order]
        first = np.searchsorted(r_d, np.arange(n_d), side="left").tolist()
        last = np.searchsorted(r_d, np.arange(n_d), side="right").tolist()
        u1 = rng.random(len(r_d)).tolist()
        u2 = rng.random(len(r_d)).tolist()
        r_a_l, r_t_l = r_a.tolist(), r_t.tolist()
        d_a_l = d_a.tolist()
        q_l = question.tolist()

        post_disc: list[int] = []
        post_author: list[int] = []
        post_parent: list[int] = []  # -1: opening post
        post_t: list[float] = []
        for d in range(n_d):
            opening = len(post_author)
            post_disc.append(d)
            post_author.append(d_a_l[d])
            post_parent.append(-1)
            post_t.append(float(d_t[d]))
            kept: list[int] = []
            p_open = 0.7 if q_l[d] else 0.5
            for r in range(first[d], last[d]):
                a = r_a_l[r]
                j = len(kept)
                parent = opening if (j == 0 or u1[r] < p_open) else kept[int(u2[r] * j)]
                if post_author[parent] == a:
                    if post_author[opening] != a:
                        parent = opening
                    else:
                        parent = next((x for x in reversed(kept) if post_author[x] != a), -1)
                        if parent < 0:
                            continue
                kept.append(len(post_author))
                post_disc.append(d)
                post_author.append(a)
                post_parent.append(parent)
                post_t.append(r_t_l[r])
        self.post_t = np.array(post_t)
        self.post_author = np.array(post_author, dtype=np.int64)
        self.post_parent = np.array(post_parent, dtype=np.int64)
        self.post_disc = np.array(post_disc, dtype=np.int64)

        # Accepted answers: a direct answer to some questions.
        accepted: dict[int, int] = {}
        direct = np.nonzero((self.post_parent >= 0)
                            & (self.post_parent == np.searchsorted(self.post_disc,
                                                                   self.post_disc)))[0]
        dq = direct[question[self.post_disc[direct]]]
        if len(dq):
            discs, start_at = np.unique(self.post_disc[dq], return_index=True)
            ends = np.append(start_at[1:], len(dq))
            pick = rng.random(len(discs))
            chosen = rng.random(len(discs))
            for dd, s, e_, pk, ch in zip(discs.tolist(), start_at.tolist(), ends.tolist(),
                                        pick.tolist(), chosen.tolist(), strict=True):
                if pk < 0.6:
                    accepted[dd] = int(dq[s + int(ch * (e_ - s))])

        # Text.
        d_times = _dts(d_t)
        p_times = _dts(self.post_t)
        texts = rng.integers(0, 1 << 30, (len(post_t), 4)).tolist()
        discussions = []
        for d in range(n_d):
            topic = topics[d]
            if is_recap[d]:
                title = p.recap_title.format(event=self.event_records[int(recap_of[d])].title)
            elif q_l[d]:
                title = self.fill(topic.questions[texts[d][0] % len(topic.questions)])
            else:
                title = self.fill(topic.titles[texts[d][0] % len(topic.titles)])
            discussions.append(DiscussionRecord(
                title=title[:200], author=d_a_l[d], is_question=q_l[d],
                created_at=d_times[d], accepted_answer=accepted.get(d)))
        posts = []
        for i in range(len(post_t)):
            d = post_disc[i]
            topic = topics[d]
            x = texts[i]
            parent = post_parent[i]
            if parent < 0:
                if is_recap[d]:
                    body = p.recap_body.format(theme=topic.theme)
                else:
                    s1 = topic.sentences[x[1] % len(topic.sentences)]
                    s2 = topic.sentences[x[2] % len(topic.sentences)]
                    parts = [p.openers[x[0] % len(p.openers)], self.fill(s1)]
                    if s2 != s1:
                        parts.append(self.fill(s2))
                    parts.append(discussions[d].title if q_l[d] else "")
                    parts.append(p.closers[x[3] % len(p.closers)])
                    body = " ".join(s for s in parts if s)
                posts.append(PostRecord(d, post_author[i], None, body, p_times[i]))
                continue
            if q_l[d] and post_parent[parent] < 0:
                body = self.fill(topic.answers[x[1] % len(topic.answers)])
            elif x[0] % 3 == 0:
                body = p.generic_replies[x[1] % len(p.generic_replies)]
            else:
                body = self.fill(topic.replies[x[1] % len(topic.replies)])
                if x[2] % 3 == 0:
                    body += " " + p.generic_replies[x[3] % len(p.generic_replies)]
            posts.append(PostRecord(d, post_author[i], parent, body, p_times[i]))
        return discussions, posts

    def reactions(self) -> list[ReactionRecord]:
        p, rng = self.p, self.rng
        n_posts = len(self.post_t)
        if not n_posts:
            return []
        pop = rng.lognormal(0.0, 0.7, n_posts)
        k = rng.poisson(p.reactions_mean * pop / pop.mean())
        post = np.repeat(np.arange(n_posts), k)
        person = self.pick(self.month_of(self.post_t[post]), "on")
        t = self.post_t[post] + np.exp(rng.normal(math.log(5 * HOUR), 1.3, len(post)))
        t = np.maximum(t, self.arr[person] + 60)
        keep = ((person != self.post_author[post]) & (t < self.stop[person])
                & (t < self.t_end))
        post, person, t = post[keep], person[keep], t[keep]
        _, first = np.unique(post * self.n + person, return_index=True)
        first.sort()
        post, person, t = post[first], person[first], t[first]
        emoji = rng.choice(len(p.emojis), size=len(post), p=p.emoji_p)
        order = np.lexsort((t, post))
        post, person, t, emoji = post[order], person[order], t[order], emoji[order]
        return [ReactionRecord(a, b, p.emojis[c], d)
                for a, b, c, d in zip(post.tolist(), person.tolist(), emoji.tolist(), _dts(t),
                                      strict=True)]

    def _give_take(self, rate: float, texts: dict) -> tuple[list[GiveTakeRecord], np.ndarray,
                                                            np.ndarray]:
        rng, n = self.rng, self.n
        count = np.minimum(rng.poisson(rate * np.minimum(self.lam, 4.0) ** 0.5), 3)
        who = np.repeat(np.arange(n), count)
        t = self.arr[who] + DAY + rng.exponential(45 * DAY, len(who))
        keep = (t < self.stop[who]) & (t < self.t_end)
        who, t = who[keep], t[keep]
        order = np.argsort(t, kind="stable")
        who, t = who[order], t[order]
        pick = rng.integers(0, 1 << 30, len(who)).tolist()
        out = []
        for i, (person, created) in enumerate(zip(who.tolist(), _dts(t), strict=True)):
            options = texts.get(int(self.sector[person])) or next(iter(texts.values()))
            text, tags = options[pick[i] % len(options)]
            out.append(GiveTakeRecord(person, text, list(tags), "open", created, None))
        return out, who, t

    def give_take(self) -> tuple[list[GiveTakeRecord], list[GiveTakeRecord]]:
        offers, self.offer_who, self.offer_t = self._give_take(self.p.offer_rate, self.p.offers)
        needs, self.need_who, self.need_t = self._give_take(self.p.need_rate, self.p.needs)
        return offers, needs

    def _person_months(self) -> float:
        stop = np.minimum(self.stop, self.t_end)
        return float(np.maximum(stop - self.arr, 0).sum() / MONTH)

    def introductions(self) -> list[IntroductionRecord]:
        """Facilitators introduce newcomers to connectors and people across sectors."""
        p, rng = self.p, self.rng
        lo, hi = self.t0 + 30 * DAY, self.t_end - 3 * DAY
        if hi <= lo:
            return []
        count = int(rng.poisson(p.intro_rate * self._person_months()))
        times = np.sort(rng.uniform(lo, hi, count))
        out = []
        all_topics = p.early + p.late
        for t in times.tolist():
            introducer = self.r.randrange(self.n_fac)
            recent = np.nonzero((self.arr <= t) & (self.arr > t - 90 * DAY) & (self.stop > t))[0]
            recent = recent[recent >= self.n_fac]
            newcomer = len(recent) > 0 and self.r.random() < 0.5
            if newcomer:
                a = int(recent[self.pick_index(len(recent))])
            else:
                a = self.pick_one(t, exclude=tuple(range(self.n_fac)))
            if a is None:
                continue
            b = None
            for _ in range(4):
                b = self.pick_one(t, exclude=(*range(self.n_fac), a))
                if b is None or self.sector[b] != self.sector[a]:
                    break
            if b is None:
                continue
            topic = self.topics_at(np.array([t]))[0] if all_topics else None
            reason = (p.newcomer_reason if newcomer else
                      p.intro_reasons[self.pick_index(len(p.intro_reasons))])
            reason = reason.format(topic=topic.tag if topic else "",
                                   a=p.sector_names[int(self.sector[a])],
                                   b=p.sector_names[int(self.sector[b])])
            met = valuable = None
            if t + 30 * DAY < self.t_end:
                r = self.r.random()
                met = True if r < 0.6 else (False if r < 0.75 else None)
                if met:
                    r = self.r.random()
                    valuable = True if r < 0.7 else (False if r < 0.85 else None)
            out.append(IntroductionRecord(introducer, a, b, reason, _dt(t), met, valuable))
        return out

    def exchanges(self, offers: list[GiveTakeRecord], needs: list[GiveTakeRecord],
                  intros: list[IntroductionRecord]) -> list[ExchangeRecord]:
        """Exchanges answering offers and needs (most confirmed), and after good introductions."""
        p, rng = self.p, self.rng
        count = int(rng.poisson(p.exchange_rate * self._person_months()))
        used_offer: set[int] = set()
        used_need: set[int] = set()
        out: list[ExchangeRecord] = []
        offer_w = np.minimum(self.lam[self.offer_who], 10.0) if len(offers) else None
        need_w = np.minimum(self.lam[self.need_who], 10.0) if len(needs) else None

        def add(giver: int, receiver: int, offer: int | None, need: int | None, text: str,
                created: float) -> None:
            end = min(self.stop[giver], self.stop[receiver], self.t_end)
            if giver == receiver or created >= end:
                return
            confirmed = None
            if self.r.random() < 0.8:
                c = created + HOUR + self.r.expovariate(1.0 / (4 * DAY))
                confirmed = c if c < self.t_end else None
            weight = 2.0 if self.r.random() < 0.1 else 1.0
            if confirmed is not None:
                for item, used, records in ((offer, used_offer, offers),
                                            (need, used_need, needs)):
                    if item is not None:
                        used.add(item)
                        records[item].status = "fulfilled"
                        records[item].fulfilled_at = _dt(confirmed)
            out.append(ExchangeRecord(giver, receiver, offer, need, text, weight, _dt(created),
                                      None if confirmed is None else _dt(confirmed)))

        offer_cdf = np.cumsum(offer_w) / offer_w.sum() if offer_w is not None else None
        need_cdf = np.cumsum(need_w) / need_w.sum() if need_w is not None else None
        for _ in range(count if offer_cdf is not None else 0):
            o = min(int(np.searchsorted(offer_cdf, rng.random())), len(offers) - 1)
            if o in used_offer:
                o_link = None
            else:
                o_link = o
            giver = int(self.offer_who[o])
            need: int | None = None
            if need_cdf is not None and self.r.random() < 0.5:
                need = min(int(np.searchsorted(need_cdf, rng.random())), len(needs) - 1)
                receiver = int(self.need_who[need])
                after = max(self.offer_t[o], self.need_t[need])
                if need in used_need:
                    need = None
            else:
                after = float(self.offer_t[o])
                found = self.pick_one(after + 7 * DAY, exclude=(giver,))
                receiver = giver if found is None else found
                after = max(after, float(self.arr[receiver]))
            created = after + DAY + self.r.expovariate(1.0 / (20 * DAY))
            text = offers[o].text if o_link is not None else p.exchange_texts[
                self.pick_index(len(p.exchange_texts))]
            add(giver, receiver, o_link, need, text, created)
        for intro in intros:
            if intro.valuable and self.r.random() < 0.35:
                giver, receiver = ((intro.person_a, intro.person_b) if self.r.random() < 0.5
                                   else (intro.person_b, intro.person_a))
                created = intro.created_at.timestamp() + self.r.uniform(7, 40) * DAY
                add(giver, receiver, None, None,
                    p.exchange_texts[self.pick_index(len(p.exchange_texts))], created)
        out.sort(key=lambda x: x.created_at)
        return out

    def stories(self) -> list[StoryRecord]:
        """Value-creation stories; later ones reach further cycles (METRICS.md 8)."""
        p, rng = self.p, self.rng
        count = max(5, int(rng.poisson(p.story_rate * self._person_months())))
        span = self.t_end - self.t0
        times = np.sort(self.t0 + span * (0.05 + 0.95 * rng.beta(1.6, 1.0, count)))
        forced = rng.permutation(count)[:5]
        out = []
        for i, t in enumerate(times.tolist()):
            x = (t - self.t0) / span
            w = np.array([0.45 - 0.25 * x, 0.3 - 0.1 * x, 0.12 + 0.12 * x, 0.08 + 0.15 * x,
                          0.05 + 0.08 * x])
            cycle = int(rng.choice(5, p=w / w.sum()))
            hit = np.nonzero(forced == i)[0]
            if len(hit):
                cycle = int(hit[0])
            author = self.pick_one(t)
            if author is None:
                continue
            topic = self.topics_at(np.array([t]))[0]
            options = p.stories[CYCLES[cycle]]
            title, text = options[self.pick_index(len(options))]
            place = p.places[self.pick_index(len(p.places))]
            n = self.r.randrange(4, 40) * 5
            out.append(StoryRecord(author, title.format(place=place, n=n, topic=topic.tag),
                                   text.format(place=place, n=n, topic=topic.tag),
                                   CYCLES[cycle], _dt(t)))
        return out

    def accounts(self) -> list[Account]:
        names = self.p.accounts
        out = [Account(names[0], 0)]
        if self.n_fac > 1 and names[1]:
            out.append(Account(names[1], 1))
        candidates = [i for i in range(self.n_fac, self.n_found)
                      if math.isinf(self.stop[i])
                      and (self.p.pseudonym_share >= 1.0 or not self.pseudonymous[i])]
        if not candidates:
            candidates = [i for i in range(self.n_fac, self.n) if math.isinf(self.stop[i])]
        if candidates:
            out.append(Account(names[2], max(candidates, key=lambda i: self.lam[i])))
        return out
