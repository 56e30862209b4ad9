"""Validators shared by forms, the API and services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from netweave.core.text import has_line_break


def single_line(value: str) -> None:
    """Refuse text with a line break: titles, places and names go into e-mail subjects and
    calendar entries, which are one line each."""
    if value and has_line_break(value):
        raise ValidationError(_("Use a single line, without line breaks."), code="line_break")


def check_single_line(model: type[models.Model], **fields: str) -> None:
    """Refuse any of ``fields`` (values of ``model``'s fields) that holds a line break, with
    a message that names the field."""
    errors = {
        name: [_("%(field)s: use a single line, without line breaks.")
               % {"field": str(model._meta.get_field(name).verbose_name).capitalize()}]
        for name, value in fields.items()
        if isinstance(value, str) and has_line_break(value)}
    if errors:
        raise ValidationError(errors)
