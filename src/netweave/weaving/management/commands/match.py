"""``netweave match``: suggested introductions of a network, from the command line.

    netweave match --network SLUG [--person REF] [--top 5] [--lang en|nl] [--json]

With ``--person`` (the member's reference in the network, as the map and the API give it)
the best ``--top`` people for that member; without it, the best ``--top`` for every member
(the facilitator's view), with a progress bar on stderr. People are shown as the network
shows them (pseudonyms where members use one) and by their references there, never by a
global id. ``--json`` prints one JSON document instead of text.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from netweave.core.progress import ProgressBar
from netweave.core.weave import Suggestion, suggest_all, suggest_for


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


_positive.__name__ = "positive integer"


class Command(BaseCommand):
    help = ("Suggest introductions in a network: for one member (--person) or for every "
            "member, each with its reasons and score breakdown.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", required=True, help="short name (slug) or id")
        parser.add_argument("--person", help="one member's reference in the network")
        parser.add_argument("--top", type=_positive, default=5,
                            help="suggestions per member (default 5)")
        parser.add_argument("--lang", choices=["en", "nl"], default="en",
                            help="language of the reasons (default en)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, network: str, person: str | None, top: int, lang: str,
               json: bool, no_progress: bool, **options) -> None:
        from netweave.networks.models import Network
        from netweave.networks.selectors import person_id_for_ref, person_refs
        from netweave.weaving.selectors import match_input

        found = Network.objects.filter(slug=network).first()
        if found is None and network.isdigit():
            found = Network.objects.filter(pk=int(network)).first()
        if found is None:
            known = ", ".join(Network.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"no network {network!r}; known networks: {known or 'none'}")
        with ProgressBar(not no_progress and person is None, 3, width=22, done="done") as bar:
            bar.step("reading the network")
            inp = match_input(found, lang=lang)
            person_id = person_id_for_ref(found, person) if person is not None else None
            if person is not None and person_id not in inp.names:
                raise CommandError(f"{person!r} is not the reference of an active member of "
                                   f"{found.slug!r} (the map and the API give references)")
            bar.step("matching")
            with translation.override(lang):
                if person_id is not None:
                    result = {person_id: suggest_for(person_id, inp, k=top, lang=lang,
                                                     voice="pair")}
                else:
                    result = suggest_all(inp, k=top, lang=lang, reasons=True)
            bar.step("writing")
            names = dict(inp.names)
            refs = person_refs(found, [*result, *(s.person_b for items in result.values()
                                                  for s in items)])
            order = sorted(result, key=lambda p: (names.get(p, "").lower(), refs[p]))
            if json:
                self.stdout.write(self._json(found.slug, lang, top, order, result, names, refs))
            else:
                self._text(order, result, names, refs)

    def _json(self, slug: str, lang: str, top: int, order: list[int],
              result: dict[int, list[Suggestion]], names: dict[int, str],
              refs: dict[int, str]) -> str:
        doc = {"network": slug, "lang": lang, "top": top, "members": [
            {"person": refs[p], "name": names.get(p, ""), "suggestions": [
                {"person": refs[s.person_b], "name": names.get(s.person_b, ""),
                 "score": round(s.score, 4),
                 "breakdown": {k: round(v, 4) for k, v in s.breakdown.items()},
                 "reasons": s.reasons} for s in result[p]]}
            for p in order]}
        return json.dumps(doc, ensure_ascii=False, indent=2)

    def _text(self, order: list[int], result: dict[int, list[Suggestion]],
              names: dict[int, str], refs: dict[int, str]) -> None:
        if not order:
            self.stdout.write("no suggestions")
        for p in order:
            self.stdout.write(f"{names.get(p, '')} ({refs[p]})")
            for rank, s in enumerate(result[p], 1):
                parts = ", ".join(f"{k} {v:.2f}" for k, v in s.breakdown.items() if v > 0)
                self.stdout.write(f"  {rank}. {names.get(s.person_b, '')} ({refs[s.person_b]}) "
                                  f"score {s.score:.2f} [{parts}]")
                for reason in s.reasons:
                    self.stdout.write(f"     {reason}")
