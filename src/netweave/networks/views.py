"""Server-rendered pages. Views stay thin: reads come from :mod:`.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors
from .forms import SignUpForm


def home(request: HttpRequest) -> HttpResponse:
    """The networks the viewer may see."""
    networks = selectors.visible_networks(request.user)
    return render(request, "networks/home.html", {"networks": networks})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's charter, members, upcoming events and latest discussions.

    A network the viewer may not see is a 404, so that a secret network's existence is not
    given away.
    """
    network = get_object_or_404(selectors.visible_networks(request.user), slug=slug)
    page = selectors.network_page(network, request.user)
    return render(request, "networks/network_detail.html", {"page": page, "network": network})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account (a user and its person) and log in."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to netweave. Your account is ready."))
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})
