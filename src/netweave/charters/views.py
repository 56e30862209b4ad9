"""Pages of the Design area: the charter wizard (start or revise), guidance, history and the
directory of networks. Views stay thin: writes in :mod:`.services`, reads in
:mod:`.selectors` and :mod:`.finder`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from netweave.networks.models import Attendance, CommunityType, Mode, Network, Sector
from netweave.networks.permissions import Capability, network_for
from netweave.networks.selectors import person_of

from . import finder, selectors, services
from .forms import FIELD_STEP, IDENTITY_HELP, MODE_HELP, STEPS, TYPE_HELP, VISIBILITY_HELP

STEP_NAMES = [name for name, _label, _form in STEPS]
REQUIRED_STEPS = ("purpose", "focus")
_FORM_ONLY = ("slug", "facilitator_pseudonym")


def _lang() -> str:
    return (get_language() or "en").split("-")[0]


def _draft_key(slug: str | None) -> str:
    return f"charters-draft:{slug or ''}"


def _from_network(network: Network) -> dict[str, Any]:
    data = services.snapshot(network, services.latest_extra(network))
    data["_done"] = STEP_NAMES[:-1]
    return data


def _draft(request: HttpRequest, network: Network | None) -> dict[str, Any]:
    key = _draft_key(network.slug if network else None)
    draft = request.session.get(key)
    if draft is None:
        draft = _from_network(network) if network is not None else {"_done": []}
        request.session[key] = draft
    return draft


def _initial(draft: dict[str, Any]) -> dict[str, Any]:
    initial = {k: v for k, v in draft.items() if not k.startswith("_")}
    initial["focus_tags"] = ", ".join(draft.get("focus_tags") or [])
    for sector, share in (draft.get("target_mix") or {}).items():
        initial[f"mix_{sector}"] = round(float(share) * 100)
    return initial


def _store(draft: dict[str, Any], cleaned: dict[str, Any], step: str) -> None:
    for name, value in cleaned.items():
        if name.startswith("mix_") or name == "note":
            continue
        draft[name] = value.isoformat() if isinstance(value, date) else value
    if step not in draft["_done"]:
        draft["_done"].append(step)


def _answers(draft: dict[str, Any], network: Network | None) -> dict[str, Any]:
    answers = {k: v for k, v in draft.items() if not k.startswith("_")}
    answers["is_new"] = (network is None
                         or not Attendance.objects.filter(event__network=network).exists())
    return answers


def _person(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied
    return person


def _context(step: str, network: Network | None) -> dict[str, Any]:
    index = STEP_NAMES.index(step)
    return {
        "step": step, "steps": [(n, label) for n, label, _f in STEPS], "step_number": index + 1,
        "step_label": STEPS[index][1], "previous": STEP_NAMES[index - 1] if index else None,
        "network": network, "starting": network is None,
        "type_help": TYPE_HELP, "mode_help": MODE_HELP, "visibility_help": VISIBILITY_HELP,
        "identity_help": IDENTITY_HELP,
    }


def _step_url(step: str, network: Network | None) -> str:
    if network is None:
        return reverse("charters-start-step", args=[step])
    return reverse("charters-revise-step", args=[network.slug, step])


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Begin a new charter (a fresh draft) at its first step."""
    _person(request)
    request.session[_draft_key(None)] = {"_done": []}
    return redirect("charters-start-step", STEP_NAMES[0])


@login_required
def revise(request: HttpRequest, slug: str) -> HttpResponse:
    """Begin revising a network's charter from what it says now (facilitators)."""
    network = network_for(request.user, slug, Capability.FACILITATE).network
    request.session[_draft_key(slug)] = _from_network(network)
    return redirect("charters-revise-step", slug, STEP_NAMES[0])


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, step: str, slug: str | None = None) -> HttpResponse:
    """One step of the wizard; the answers are kept in the session until the last step."""
    if step not in STEP_NAMES:
        raise Http404
    network = None
    if slug is not None:
        network = network_for(request.user, slug, Capability.FACILITATE).network
    person = _person(request)
    draft = _draft(request, network)
    if step == "review":
        return _review(request, network, person, draft)
    form_class = STEPS[STEP_NAMES.index(step)][2]
    kwargs = {"starting": network is None} if step in ("purpose", "setup") else {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            _store(draft, form.cleaned_data, step)
            request.session.modified = True
            return redirect(_step_url(STEP_NAMES[STEP_NAMES.index(step) + 1], network))
    else:
        form = form_class(initial=_initial(draft), **kwargs)
    context = _context(step, network) | {"form": form}
    return render(request, "charters/wizard.html", context)


def _review(request: HttpRequest, network: Network | None, person, draft) -> HttpResponse:
    from .forms import ReviewForm

    missing = [s for s in REQUIRED_STEPS if s not in draft.get("_done", [])]
    if missing:
        messages.info(request, _("Answer this step first."))
        return redirect(_step_url(missing[0], network))
    lang = _lang()
    answers = _answers(draft, network)
    advice, findings = selectors.advice_for(answers, lang)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key = _draft_key(network.slug if network is not None else None)
        charter = {k: v for k, v in answers.items()
                   if k in services.CHARTER_FIELDS or k in services.EXTRA_FIELDS}
        try:
            if network is None:
                network = services.start_network(
                    facilitator=person, slug=draft["slug"], charter=charter,
                    facilitator_pseudonym=draft.get("facilitator_pseudonym", ""))
                messages.success(request, _("The network is started. Here is the guidance "
                                            "for its first steps."))
            else:
                services.revise_charter(network, author=person, charter=charter,
                                        note=form.cleaned_data["note"])
                messages.success(request, _("The charter is saved as a new version."))
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            request.session.pop(key, None)
            return redirect("charters-guidance", network.slug)
    exclude = (("network", network.pk),) if network is not None else ()
    overlap = finder.find_overlap(
        request.user, f"{answers.get('name', '')}\n{answers.get('purpose', '')}",
        focus_tags=tuple(answers.get("focus_tags") or ()),
        community_types=tuple(t for t in [answers.get("primary_type"),
                                          *(answers.get("secondary_types") or [])] if t),
        region=answers.get("region") or "", exclude=exclude, k=3, lang=lang)
    summary = [(selectors.field_label(name), selectors.display_value(name, answers.get(name)),
                FIELD_STEP.get(name, "purpose"))
               for name in (*services.CHARTER_FIELDS, *services.EXTRA_FIELDS)]
    findings_with_step = [(f, _step_url(FIELD_STEP.get(f.field, "purpose"), network))
                          for f in findings]
    context = _context("review", network) | {
        "form": form, "summary": summary, "advice": advice, "findings": findings_with_step,
        "overlap": overlap, "step_urls": {s: _step_url(s, network) for s in STEP_NAMES},
    }
    return render(request, "charters/review.html", context)


@login_required
def guidance_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Guidance and the sharpness check for a network's saved charter (facilitators)."""
    network = network_for(request.user, slug, Capability.FACILITATE).network
    is_new = not Attendance.objects.filter(event__network=network).exists()
    advice, findings = selectors.advice_for(
        selectors.charter_answers(network, is_new=is_new), _lang())
    findings_with_step = [
        (f, reverse("charters-revise", args=[network.slug])) for f in findings]
    return render(request, "charters/guidance.html",
                  {"network": network, "advice": advice, "findings": findings_with_step})


def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every version of a network's charter and what changed (those who see its contents)."""
    network = network_for(request.user, slug, Capability.SEE_CONTENTS).network
    return render(request, "charters/history.html",
                  {"network": network, "rows": selectors.charter_history(network)})


def directory(request: HttpRequest) -> HttpResponse:
    """The networks the viewer may see, with search and filters."""
    g = request.GET
    filters = {"q": g.get("q", "")[:500], "type_": g.get("type", ""),
               "region": g.get("region", "")[:200], "tag": g.get("tag", "")[:40],
               "mode": g.get("mode", ""), "activity": g.get("activity", "")}
    if filters["type_"] not in CommunityType.values:
        filters["type_"] = ""
    if filters["mode"] not in Mode.values:
        filters["mode"] = ""
    if filters["activity"] not in selectors.ACTIVITY_LEVELS:
        filters["activity"] = ""
    rows = selectors.directory(request.user, lang=_lang(), **filters)
    levels = [("lively", _("Lively (a contribution in the last 30 days)")),
              ("quiet", _("Quiet (none in 30 days, some in 90)")),
              ("dormant", _("Dormant (no contribution in 90 days)"))]
    return render(request, "charters/directory.html", {
        "rows": rows, "filters": filters, "types": CommunityType.choices,
        "modes": Mode.choices, "levels": levels, "level_labels": dict(levels),
        "tags": selectors.directory_tags(request.user), "sectors": Sector.choices,
    })
