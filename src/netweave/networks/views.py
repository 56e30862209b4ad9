"""Server-rendered pages. Views stay thin: reads come from :mod:`.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import accounts, membership_selectors, selectors
from .forms import SignUpForm
from .permissions import network_for


def home(request: HttpRequest) -> HttpResponse:
    """The front door: what netweave is and for whom, and the networks the viewer may see
    (with a note when an import knew the viewer's e-mail address)."""
    networks = selectors.visible_networks(request.user)
    claims = membership_selectors.claim_offers(selectors.person_of(request.user))
    return render(request, "networks/home.html", {"networks": networks, "claims": claims})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's charter, members, upcoming events and latest discussions, and the apps'
    sections (``network_card.html``, ``network_section.html``: the dashboard's health card).

    A network the viewer may not see is a 404, so that a secret network's existence is not
    given away. Apps' sections are shown only to those who see the network's contents.
    """
    network = network_for(request.user, slug).network
    page = selectors.network_page(network, request.user)
    join = membership_selectors.join_state(network, selectors.person_of(request.user))
    return render(request, "networks/network_detail.html",
                  {"page": page, "network": network, "join": join})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up: a valid form always leads to the same "check your mailbox" page, whether or
    not an account already uses the address (see :mod:`.accounts`)."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.start_signup(form, request, next_url=_safe_next(request))
        return redirect("signup-sent")
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up mail: a button (a GET changes nothing, so that mail
    scanners opening links create no account) that creates the account, logs in and goes
    on to where the sign-up began (an invitation, a network) or to imported history to
    claim."""
    pending = accounts.pending_signup(token)
    if pending is None:
        return render(request, "accounts/signup_confirm.html", {"expired": True}, status=404)
    if request.method == "POST":
        user = accounts.finish_signup(token)
        if user is None:
            return render(request, "accounts/signup_confirm.html", {"expired": True},
                          status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to netweave. Your account is ready."))
        target = pending.get("next", "")
        if not target and membership_selectors.claim_offers(selectors.person_of(user)):
            target = "members-claims"
        return redirect(target or "home")
    return render(request, "accounts/signup_confirm.html", {"token": token})


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` address of a sign-up (an invitation link, a network), when it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return target
    return ""
