"""Trust's pages: API tokens, the staff audit log, a member's data and account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from netweave.networks.selectors import person_of

from . import gdpr, selectors, services
from .forms import ConsentForm, DeleteAccountForm, TokenForm
from .models import ConsentKind


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The viewer's API tokens, and a form to make one (shown once, after making it)."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        _row, created = services.create_token(
            request.user, form.cleaned_data["name"], form.cleaned_data["scope"], request)
        form = TokenForm()
    return render(request, "trust/tokens.html", {
        "form": form, "created": created, "tokens": selectors.tokens_of(request.user),
    })


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_of(request.user), pk=pk)
    services.revoke_token(token, request.user, request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("trust-tokens")


@staff_member_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Staff: every audit entry, newest first, filtered by action and actor."""
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    entries = selectors.audit_entries(action=action, actor=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    labels = selectors.actor_labels(list(page.object_list))
    for entry in page.object_list:
        entry.shown_actor = labels.get(entry.pk, "?")
    return render(request, "trust/audit.html",
                  {"page_obj": page, "action": action, "actor": actor})


@login_required
@require_http_methods(["GET", "POST"])
def privacy(request: HttpRequest) -> HttpResponse:
    """My data: consent for e-mail and maps, download everything, delete my account."""
    person = person_of(request.user)
    current = {kind: selectors.consent_of(person, kind) for kind in ConsentKind.values
               } if person else {}
    form = ConsentForm(request.POST or None, initial={k: bool(v) for k, v in current.items()})
    if request.method == "POST" and person is not None and form.is_valid():
        for kind in ConsentKind.values:
            if form.cleaned_data[kind] != current[kind]:
                services.set_consent(person, kind, form.cleaned_data[kind])
        messages.success(request, _("Your choices are saved."))
        return redirect("trust-privacy")
    return render(request, "trust/privacy.html", {
        "form": form, "person": person, "delete_form": DeleteAccountForm(request.user),
        "alone": gdpr.sole_facilitations(person) if person else [],
    })


def _own_person(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise Http404
    return person


@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(gdpr.export_data(_own_person(request)),
                            json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="netweave-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_zip(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(gdpr.export_zip(_own_person(request)),
                            content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="netweave-my-data.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account after the password is confirmed; the person becomes a tombstone."""
    form = DeleteAccountForm(request.user, request.POST)
    if form.is_valid():
        try:
            gdpr.delete_account(request.user, request)
        except gdpr.DeletionRefused as exc:
            messages.error(request, str(exc))
            return redirect("trust-privacy")
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for taking part."))
        return redirect("home")
    person = person_of(request.user)
    return render(request, "trust/privacy.html", {
        "form": ConsentForm(), "person": person, "delete_form": form,
        "alone": gdpr.sole_facilitations(person) if person else [],
    }, status=400)


@require_http_methods(["GET", "POST"])
def retention_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators: how long the network keeps guests' details, import files, bookkeeping
    and audit details (404 for a secret network's outsiders, 403 for other non-facilitators)."""
    from netweave.networks.permissions import Capability, network_for

    from . import retention

    network = network_for(request.user, slug, Capability.FACILITATE).network
    limits = retention.limits_of(network).as_dict()
    form = retention.RetentionForm(request.POST or None, initial=limits)
    if request.method == "POST":
        if form.is_valid():
            retention.set_policy(network, form.cleaned_data, request.user, request)
            messages.success(request, _("The retention settings are saved."))
            return redirect("trust-retention", slug=network.slug)
        status = 400
    else:
        status = 200
    policy = retention.RetentionPolicy.objects.filter(network=network).first()
    return render(request, "trust/retention.html", {
        "network": network, "form": form, "policy": policy,
        "defaults": [(form[name].label, days) for name, days in retention.DEFAULTS.items()],
    }, status=status)


@require_POST
def retention_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators: apply the network's retention settings now, as a background job."""
    from netweave.jobs.services import enqueue
    from netweave.networks.permissions import Capability, network_for

    network = network_for(request.user, slug, Capability.FACILITATE).network
    enqueue("trust.retention", {"dry_run": False}, network=network, user=request.user)
    messages.success(request, _("The retention settings are being applied."))
    return redirect("trust-retention", slug=network.slug)
