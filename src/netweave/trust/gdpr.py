"""A member's rights: download all their data, and delete their account.

:func:`export_data` finds every row that points at the person or their account, in every
installed app (so apps added later are included without changes here), and leaves out other
people: a foreign key to another person is dropped. :func:`delete_account` removes the
account but keeps the person as a tombstone (name, e-mail and interests blank, pseudonyms
replaced, an :class:`~.models.Erasure` row), so every figure of the network stays the same.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.networks.models import Identity, Membership, Network, Person, Role
from netweave.networks.services import leave_network

from .audit import record
from .models import AuditEntry, Erasure

#: Fields never exported (secrets, not data about the person).
HIDDEN_FIELDS = {"password", "token_hash"}


class DeletionRefused(Exception):
    """An account that cannot be deleted yet; the message says why and what to do."""


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: models.Model, person: Person, user: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in HIDDEN_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            value = getattr(obj, field.attname)
            if target is Person and value not in (None, person.pk):
                continue  # another person: not theirs to download
            if target is get_user_model() and value not in (None, getattr(user, "pk", None)):
                continue
            if target is Network and value is not None:
                row[field.name] = Network.objects.filter(pk=value).values_list(
                    "slug", flat=True).first()
                continue
            row[field.name] = value
        else:
            row[field.name] = _value(field.value_from_object(obj))
    return row


def _related_sets(person: Person, user: Any) -> dict[str, list[dict[str, Any]]]:
    user_model = get_user_model()
    found: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if model in (Person, user_model):
            continue
        filters = models.Q()
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            if field.related_model is Person:
                filters |= models.Q(**{field.name: person})
            elif field.related_model is user_model and user is not None:
                filters |= models.Q(**{field.name: user})
        if not filters:
            continue
        rows = [_row(obj, person, user) for obj in model._default_manager.filter(filters)
                .order_by("pk")]
        if rows:
            found[model._meta.label_lower] = rows
    return found


def export_data(person: Person) -> dict[str, Any]:
    """Everything netweave holds about ``person`` (and their account), as JSON-able data."""
    user = person.user
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": _row(person, person, user),
    }
    if person.organisation_id:
        data["person"]["organisation"] = person.organisation.name
    if user is not None:
        data["account"] = {"username": user.get_username(), "email": user.email,
                           "date_joined": _value(user.date_joined),
                           "last_login": _value(user.last_login)}
    data["records"] = _related_sets(person, user)
    return data


def export_zip(person: Person) -> bytes:
    """:func:`export_data` as a ZIP: ``data.json`` and one CSV file per kind of record."""
    data = export_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        tables = {"person": [data["person"]], **data["records"]}
        if "account" in data:
            tables["account"] = [data["account"]]
        for name, rows in tables.items():
            text = io.StringIO()
            columns = list(dict.fromkeys(key for row in rows for key in row))
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({key: json.dumps(value, ensure_ascii=False)
                                 if isinstance(value, dict | list) else value
                                 for key, value in row.items()})
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


def sole_facilitations(person: Person) -> list[Network]:
    """Networks that ``person`` facilitates alone (they must hand over before leaving)."""
    networks = []
    for membership in person.memberships.filter(role=Role.FACILITATOR, left_at__isnull=True):
        others = Membership.objects.filter(
            network_id=membership.network_id, role=Role.FACILITATOR, left_at__isnull=True,
        ).exclude(person=person)
        if not others.exists():
            networks.append(membership.network)
    return networks


def make_tombstone(person: Person) -> Person:
    """Turn ``person`` into a tombstone in place: name, e-mail and interests (their own and
    per network) blank, their pseudonyms replaced, their requests to join gone, no account,
    no consents, no secrets (rows of every model marked ``erased_with_person = True``, such
    as calendar feed secrets, or naming the field that points at the person, such as their
    private messages: ``erased_with_person = "author"``), an :class:`~.models.Erasure` row.
    Every row that counts (memberships, registrations, activity) stays, so every figure
    stays the same.
    Call it inside a transaction."""
    for membership in person.memberships.filter(identity=Identity.PSEUDONYM):
        membership.pseudonym = f"former-{secrets.token_hex(4)}"
        membership.save(update_fields=["pseudonym"])
    person.memberships.update(interests=[])
    person.join_requests.all().delete()  # their messages to facilitators
    person.name = ""
    person.email = ""
    person.interests = []
    person.introductions_opt_out = True
    person.user = None
    person.save(update_fields=["name", "email", "interests", "introductions_opt_out", "user"])
    person.consents.all().delete()
    for model in apps.get_models():
        erased = getattr(model, "erased_with_person", False)
        if erased:
            field = erased if isinstance(erased, str) else "person"
            model._default_manager.filter(**{field: person}).delete()
    Erasure.objects.get_or_create(person=person)
    return person


@transaction.atomic
def delete_account(user: Any, request: HttpRequest | None = None) -> Person | None:
    """Delete ``user``'s account; their person stays as a tombstone (see the module's
    documentation). Their memberships end (each with its ``leave`` row, source
    ``erasure``), their calendar feeds and API tokens stop working. Returns the tombstone
    (``None`` when the account had no person).
    Raises :class:`DeletionRefused` when they are some network's only facilitator."""
    person = Person.objects.select_for_update().filter(user=user).first()
    if person is not None:
        alone = sole_facilitations(person)
        if alone:
            raise DeletionRefused(
                _("You are the only facilitator of %(networks)s. Make someone else a "
                  "facilitator first, then delete your account.")
                % {"networks": ", ".join(n.name for n in alone)})
        for membership in person.memberships.filter(left_at__isnull=True):
            leave_network(membership, source="erasure")
        make_tombstone(person)
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    AuditEntry.objects.filter(actor=user).update(actor_label=f"deleted user {user.pk}")
    record(None, "trust.account.delete",
           target=f"person {person.pk}" if person is not None else f"user {user.pk}",
           request=request)
    user.delete()
    return person
