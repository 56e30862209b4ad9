"""Account mails: signing up by confirming one's address, and password resets, throttled.

Nothing here tells a visitor whether an address belongs to an account. Signing up always
ends on the same "check your mailbox" page: a new address gets a link that creates the
account (nothing is stored in the database before that), an address an account already
uses gets a mail telling its owner that someone tried. Mails to a typed address (sign-up,
password reset) are limited per address and per client address
(``NETWEAVE_MAIL_LIMIT_ADDRESS``, ``NETWEAVE_MAIL_LIMIT_IP`` within
``NETWEAVE_MAIL_WINDOW`` seconds); beyond a limit the mail is silently not sent and the
page is the same.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from netweave.kit import counters
from netweave.kit.net import client_ip

from .forms import SignUpForm
from .models import Person

#: How long a sign-up link works (seconds).
SIGNUP_LINK_SECONDS = 24 * 3600


def may_mail(address: str, request: HttpRequest | None) -> bool:
    """Count one account mail to ``address`` (and from the request's client); False when a
    limit is reached and the mail must not be sent."""
    window = int(getattr(settings, "NETWEAVE_MAIL_WINDOW", 3600))
    allowed = counters.hit(counters.key("mail-to", address.strip().casefold()), window).count \
        <= int(getattr(settings, "NETWEAVE_MAIL_LIMIT_ADDRESS", 3))
    ip = client_ip(request) if request is not None else None
    if ip:
        allowed = counters.hit(counters.key("mail-ip", ip), window).count <= int(
            getattr(settings, "NETWEAVE_MAIL_LIMIT_IP", 20)) and allowed
    return allowed


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's password reset, with :func:`may_mail` before any mail is sent."""

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        if may_mail(self.cleaned_data["email"], request):
            super().save(*args, request=request, **kwargs)


def _signup_key(token: str) -> str:
    return counters.key("signup", token)


def _mail(request: HttpRequest, template: str, to: str, context: dict) -> None:
    context = {**context, "base": request.build_absolute_uri("/").rstrip("/")}
    subject = render_to_string(f"accounts/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/{template}_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def start_signup(form: SignUpForm, request: HttpRequest, next_url: str = "") -> None:
    """Mail the sign-up link for a valid ``form``, or tell an existing account's owner that
    someone tried to sign up with their address. The caller shows the same page either way.
    ``next_url`` (checked by the caller) is where the confirmed sign-up goes on to."""
    data = form.cleaned_data
    email = data["email"]
    if not may_mail(email, request):
        return
    owner = get_user_model().objects.filter(email__iexact=email).first()
    if owner is not None:
        _mail(request, "signup_exists", owner.email, {"user": owner})
        return
    token = secrets.token_urlsafe(32)
    cache.set(_signup_key(token), {
        "username": data["username"], "name": data["name"], "email": email,
        "password": make_password(data["password1"]), "next": next_url,
    }, SIGNUP_LINK_SECONDS)
    _mail(request, "signup_confirm", email, {
        "link": request.build_absolute_uri(reverse("signup-confirm", args=[token])),
        "username": data["username"]})


def pending_signup(token: str) -> dict | None:
    """The sign-up waiting behind ``token``, or None (unknown, used or expired)."""
    return cache.get(_signup_key(token))


@transaction.atomic
def finish_signup(token: str) -> AbstractBaseUser | None:
    """Create the user and its person for ``token``; None when the link no longer works or
    its user name or address was taken in the meantime."""
    pending = pending_signup(token)
    if pending is None:
        return None
    cache.delete(_signup_key(token))
    users = get_user_model().objects
    if users.filter(email__iexact=pending["email"]).exists():
        return None
    try:
        with transaction.atomic():
            user = users.create(username=pending["username"], email=pending["email"],
                                password=pending["password"])
    except IntegrityError:
        return None
    Person.objects.create(user=user, name=pending["name"], email=user.email)
    return user
