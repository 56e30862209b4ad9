"""The audit log of facilitators' and staff actions.

Every app records its facilitator and staff actions with :func:`record`, in the same
transaction as the action when there is one::

    from netweave.trust.audit import record
    record(request.user, "meet.event.cancel", network=event.network, target=event,
           details={"reason": reason}, request=request)

Django admin actions are recorded automatically (:class:`AuditingLogEntryManager`, installed
in :mod:`.apps`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.db import models
from django.http import HttpRequest

from netweave.kit.net import client_ip

from .models import AuditEntry

_ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _label(value: object, limit: int) -> str:
    return str(value)[:limit]


def _target_name(target: models.Model, network: Any) -> str:
    """How the log names ``target``: a person by the name the network shows (their pseudonym
    where they use one), never by a real name the log's readers may not be entitled to."""
    from netweave.networks.models import Membership, Person

    if isinstance(target, Person):
        membership = (Membership.objects.filter(network=network, person=target)
                      .select_related("person").first() if network is not None else None)
        return membership.display_name if membership is not None else f"person {target.pk}"
    return str(target)


def record(actor: Any, action: str, network: Any = None, target: Any = None,
           details: dict | None = None, request: HttpRequest | None = None) -> AuditEntry:
    """Write one audit entry: ``actor`` (a user, or ``None`` for the system) did ``action``
    (a dotted name such as ``"meet.event.cancel"``), in ``network``, to ``target`` (a model
    instance, or any object whose ``str`` names it). ``details`` must be JSON-able."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=user,
        actor_label=_label(user.get_username(), 150) if user is not None else "",
        action=action[:60],
        network=network,
        network_label=_label(network, 200) if network is not None else "",
        details=details or {},
        ip=client_ip(request) if request is not None else None,
    )
    if isinstance(target, models.Model):
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_label = _label(_target_name(target, network), 200)
    elif target is not None:
        entry.target_label = _label(target, 200)
    entry.save()
    return entry


def record_admin_entry(entry: LogEntry) -> AuditEntry:
    """Copy one of Django admin's ``LogEntry`` rows into the audit log."""
    content_type = entry.content_type
    return AuditEntry.objects.create(
        actor_id=entry.user_id,
        actor_label=_label(entry.user.get_username(), 150),
        action=_ADMIN_ACTIONS.get(entry.action_flag, "admin.other"),
        target_type=(f"{content_type.app_label}.{content_type.model}"
                     if content_type is not None else ""),
        target_id=str(entry.object_id or "")[:64],
        target_label=_label(entry.object_repr, 200),
        details={"change": entry.get_change_message()} if entry.change_message else {},
    )


class AuditingLogEntryManager(LogEntryManager):
    """Django admin's log manager, also writing each entry to the audit log. The admin
    writes its log through ``log_actions`` (in bulk for "delete selected", which sends no
    ``post_save``), so this is the one place that sees every admin action."""

    def log_actions(self, user_id: int, queryset: Any, action_flag: int,
                    change_message: Any = "", *, single_object: bool = False) -> Any:
        logged = super().log_actions(user_id, queryset, action_flag, change_message,
                                     single_object=single_object)
        entries = [logged] if isinstance(logged, LogEntry) else list(logged or [])
        for entry in entries:
            record_admin_entry(entry)
        return logged


def install_admin_hook() -> None:
    """Make ``LogEntry.objects`` an :class:`AuditingLogEntryManager` (called once, in
    :meth:`.apps.TrustConfig.ready`)."""
    manager = LogEntry._meta.default_manager
    if not isinstance(manager, AuditingLogEntryManager):
        manager.__class__ = AuditingLogEntryManager
