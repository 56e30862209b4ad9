"""Trust's pages: API tokens, the staff audit log, a member's data and account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import TokenForm


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
    return render(request, "trust/audit.html",
                  {"page_obj": page, "action": action, "actor": actor})
