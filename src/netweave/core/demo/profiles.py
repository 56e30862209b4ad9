"""The two kinds of demo network: the text and parameters of each (:class:`Profile`)."""

from __future__ import annotations

from netweave.core.demo.records import CIV, GOV, MAIN_SLUG, PEER_SLUG, RES, Profile
from netweave.core.demo.words import (
    CARE_TOPICS,
    EN_FIRST,
    EN_LAST,
    ENERGY_EARLY,
    ENERGY_LATE,
    ENERGY_NEEDS,
    ENERGY_OFFERS,
    ENERGY_STORIES,
    NL_FIRST,
    NL_LAST,
    NL_PLACES,
)

ENERGY = Profile(
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
        language="nl",
    ),
    early=ENERGY_EARLY,
    late=ENERGY_LATE,
    places=NL_PLACES,
    first_names=NL_FIRST,
    last_names=NL_LAST,
    other_first_names=EN_FIRST,
    other_last_names=EN_LAST,
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
    offers=ENERGY_OFFERS,
    needs=ENERGY_NEEDS,
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
    stories=ENERGY_STORIES,
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

CARE = Profile(
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
        language="en",
    ),
    early=CARE_TOPICS,
    late=(),
    places=("home",),
    first_names=EN_FIRST,
    last_names=EN_LAST,
    other_first_names=NL_FIRST,
    other_last_names=NL_LAST,
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
