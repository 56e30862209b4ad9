"""Django's own texts that netweave words differently in Dutch: "je" where Django says "u",
and Django 5.2's password-length message, which Django's Dutch catalogue does not have yet.

They are written out here so that ``makemessages`` keeps them in netweave's main catalogue,
whose translations come before Django's (``LOCALE_PATHS``)."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext


def overridden_texts(min_length: int = 10) -> list[str]:
    """The password rules and messages as a person reads them, in the active language."""
    # The apostrophes are Django's own: the texts must match its messages exactly.
    return [
        gettext("Your old password was entered incorrectly. Please enter it again."),
        gettext("Your password can’t be a commonly used password."),  # noqa: RUF001
        gettext("Your password can’t be entirely numeric."),  # noqa: RUF001
        gettext("Your password can’t be too similar to your other personal information."),  # noqa: RUF001
        ngettext("Your password must contain at least %(min_length)d character.",
                 "Your password must contain at least %(min_length)d characters.",
                 min_length) % {"min_length": min_length},
        ngettext("This password is too short. It must contain at least %d character.",
                 "This password is too short. It must contain at least %d characters.",
                 min_length) % min_length,
    ]
