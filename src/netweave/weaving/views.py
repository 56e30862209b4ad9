"""Weave pages: my give and take, people I should meet, introductions, the weaving view.

Views stay thin: who may do what comes from :mod:`netweave.networks.permissions`, reads from
:mod:`.selectors`, writes from :mod:`.services`. Bad input changes nothing and comes back
as a message saying what was expected.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from netweave.networks.models import Exchange, Introduction, Need, Offer, Person
from netweave.networks.permissions import Access, Capability, network_for
from netweave.networks.selectors import person_id_for_ref, person_ref, person_refs
from netweave.trust.once import once_per_form

from . import selectors, services
from .forms import (
    FollowUpForm,
    FulfilForm,
    InterestsForm,
    IntroduceForm,
    ItemForm,
    StoryForm,
)


def _lang() -> str:
    return (get_language() or "en").split("-")[0]


def _errors(request: HttpRequest, error: ValidationError | forms.Form) -> None:
    """Each error as a page message; a field's error begins with the field's label."""
    if isinstance(error, ValidationError):
        texts = error.messages
    else:
        texts = [f"{error[field].label}: {' '.join(map(str, errs))}"
                 if field in error.fields else " ".join(map(str, errs))
                 for field, errs in error.errors.items()]
    for text in texts:
        messages.error(request, text)


def _home(slug: str) -> HttpResponse:
    return redirect("weaving-home", slug=slug)


def _choices(access: Access, *, without_me: bool = False) -> list[tuple[str, str]]:
    """(reference, shown name) of the network's active members, by name."""
    names = selectors.member_names(access.network)
    refs = person_refs(access.network, names)
    me = access.person.pk if access.person else None
    return [(refs[pid], name) for pid, name in sorted(names.items(),
                                                      key=lambda kv: kv[1].lower())
            if not (without_me and pid == me)]


def _member(access: Access, ref: str) -> Person:
    """The active member of the network whose reference there is ``ref``; else a 404."""
    person_id = person_id_for_ref(access.network, ref)
    if person_id is None or person_id not in selectors.member_names(access.network):
        raise Http404
    return Person.objects.get(pk=person_id)


@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """My offers, needs and interests; exchanges to confirm; follow-ups; people to meet; and
    the apps' parts of this page (``weaving_home.html``: the discussions add my
    introductions' private conversations)."""
    access = network_for(request.user, slug, Capability.TAKE_PART)
    network, me = access.network, access.person
    names = selectors.member_names(network)
    members = _choices(access, without_me=True)
    followups = [(i, names.get(selectors.other_side(i, me), ""), FollowUpForm(prefix=f"i{i.pk}"))
                 for i in selectors.introductions_to_answer(network, me)]
    to_confirm = [(e, names.get(e.giver_id, "")) for e in
                  selectors.exchanges_to_confirm(network, me)]
    context = {
        "network": network, "access": access,
        "offers": [(o, FulfilForm(members=members, prefix=f"o{o.pk}"))
                   for o in selectors.my_offers(network, me)],
        "needs": [(n, FulfilForm(members=members, prefix=f"n{n.pk}"))
                  for n in selectors.my_needs(network, me)],
        "item_form": ItemForm(),
        "interests_form": InterestsForm(initial={
            "interests": ", ".join(me.interests or []), "opt_out": me.introductions_opt_out}),
        "to_confirm": to_confirm,
        "followups": followups,
        "suggestions": ([] if me.introductions_opt_out else
                        selectors.suggestions_for(network, me, _lang())),
        "opted_out": me.introductions_opt_out,
    }
    return render(request, "weaving/home.html", context)


@require_POST
@login_required
@once_per_form
def add_item(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    form = ItemForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _home(slug)
    d = form.cleaned_data
    add = services.add_offer if d["kind"] == "offer" else services.add_need
    try:
        add(access.network, access.person, d["text"], d["tags"], everywhere=d["everywhere"])
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Saved."))
    return _home(slug)


@require_POST
@login_required
def interests(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    form = InterestsForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _home(slug)
    try:
        services.set_interests(access.person, form.cleaned_data["interests"],
                               form.cleaned_data["opt_out"])
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Saved."))
    return _home(slug)


@require_POST
@login_required
def fulfil(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """Mark my offer or need fulfilled with another member (an exchange)."""
    access = network_for(request.user, slug, Capability.TAKE_PART)
    model = {"offer": Offer, "need": Need}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk, person=access.person)
    form = FulfilForm(request.POST, members=_choices(access, without_me=True),
                      prefix=f"{kind[0]}{pk}")
    if not form.is_valid():
        _errors(request, form)
        return _home(slug)
    try:
        exchange = services.fulfil(access.network, item, access.person,
                                   _member(access, form.cleaned_data["counterpart"]),
                                   form.cleaned_data["description"])
    except ValidationError as e:
        _errors(request, e)
        return _home(slug)
    messages.success(request, _("Thank you. The exchange counts once the receiving side "
                                "confirms it.") if exchange.confirmed_at is None
                     else _("Thank you. The exchange is recorded."))
    return _home(slug)


@require_POST
@login_required
def confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    exchange = get_object_or_404(Exchange, pk=pk, network=access.network,
                                 receiver=access.person)
    services.confirm(exchange, access.person)
    messages.success(request, _("Confirmed. Thank you."))
    return _home(slug)


@require_POST
@login_required
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The follow-up of an introduction: did you meet, was it valuable."""
    access = network_for(request.user, slug, Capability.TAKE_PART)
    intro = get_object_or_404(Introduction, pk=pk, network=access.network)
    if access.person.pk not in (intro.person_a_id, intro.person_b_id):
        raise Http404
    form = FollowUpForm(request.POST, prefix=f"i{pk}")
    if not form.is_valid():
        _errors(request, form)
        return _home(slug)
    met, valuable = form.answers()
    try:
        services.answer_follow_up(intro, access.person, met=met, valuable=valuable)
    except ValidationError as e:
        _errors(request, e)
        return _home(slug)
    messages.success(request, _("Thank you for your answer."))
    if met and valuable:
        messages.info(request, _("Glad it was worth it. What did it lead to? Tell it as a "
                                 "value story: others learn from it, and it counts."))
        return redirect(reverse("weaving-stories", args=[slug]) + f"?introduction={pk}#tell")
    return _home(slug)


@login_required
def introduce(request: HttpRequest, slug: str) -> HttpResponse:
    """Make an introduction (a facilitator or a member); reasons prefilled from the matcher."""
    access = network_for(request.user, slug, Capability.TAKE_PART)
    members = _choices(access)
    # A facilitator introduces any two members; anyone else introduces themselves.
    mine = person_ref(access.network, access.person.pk)
    firsts = members if access.is_facilitator else [
        (ref, name) for ref, name in members if ref == mine]
    if request.method == "POST":
        form = IntroduceForm(request.POST, members=members, firsts=firsts)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.make_introduction(
                    access.network, access.person, _member(access, d["person_a"]),
                    _member(access, d["person_b"]), d["reasons"],
                    link=request.build_absolute_uri(reverse("weaving-home", args=[slug])))
            except ValidationError as e:
                _errors(request, e)
            else:
                messages.success(request, _("The introduction is made; both get an e-mail."))
                return redirect("weaving-facilitate" if access.is_facilitator
                                else "weaving-home", slug=slug)
        else:
            _errors(request, form)
    else:
        initial = {}
        a = person_id_for_ref(access.network, request.GET.get("a"))
        b = person_id_for_ref(access.network, request.GET.get("b"))
        if a is not None and b is not None:
            initial = {"person_a": request.GET["a"], "person_b": request.GET["b"]}
            row = selectors.pair_suggestion(access.network, a, b, _lang())
            if row is not None:
                initial["reasons"] = "\n".join(row.reasons)
        if initial and not access.is_facilitator and b == access.person.pk:
            initial["person_a"], initial["person_b"] = initial["person_b"], initial["person_a"]
        form = IntroduceForm(initial=initial, members=members, firsts=firsts)
    return render(request, "weaving/introduce.html",
                  {"network": access.network, "access": access, "form": form})


@login_required
def facilitate(request: HttpRequest, slug: str) -> HttpResponse:
    """The weaving view for facilitators."""
    access = network_for(request.user, slug, Capability.FACILITATE)
    network = access.network
    inp = selectors.match_input(network, lang=_lang())
    context = {
        "network": network, "access": access,
        "suggestions": selectors.network_suggestions(network, _lang(), inp=inp),
        "open_needs": selectors.unanswered_needs(network),
        "newcomers": selectors.isolated_newcomers(network, ties=inp.ties),
        "outcomes": selectors.introduction_outcomes(network),
    }
    return render(request, "weaving/facilitate.html", context)


def _story_form(access: Access, data: dict | None = None, initial: dict | None = None
                ) -> StoryForm:
    choices = selectors.story_choices(access.network, access.person)
    return StoryForm(data, initial=initial, events=choices.events,
                     introductions=choices.introductions, offers=choices.offers)


@require_http_methods(["GET", "POST"])
@once_per_form
def stories(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's value stories, and (for those who take part) the form to tell one."""
    access = network_for(request.user, slug, Capability.SEE_CONTENTS)
    may_tell = access.can(Capability.TAKE_PART)
    form = None
    if request.method == "POST":
        if not may_tell:
            raise PermissionDenied
        form = _story_form(access, request.POST)
        if form.is_valid():
            try:
                services.tell_story(access.network, access.person, **form.cleaned_data)
            except ValidationError as e:
                _errors(request, e)
            else:
                messages.success(request, _("Thank you. Your story is told."))
                return redirect("weaving-stories", slug=slug)
        else:
            _errors(request, form)
    elif may_tell:
        initial = {}
        intro = request.GET.get("introduction", "")
        if intro.isdigit():
            initial["introductions"] = [int(intro)]
        form = _story_form(access, initial=initial)
    return render(request, "weaving/stories.html", {
        "network": access.network, "access": access, "form": form,
        "stories": selectors.network_stories(access.network)})
