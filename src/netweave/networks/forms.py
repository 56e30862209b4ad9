"""Forms of the web pages.

Signing up is an account action, not a domain action: the form checks what was typed;
:mod:`.accounts` creates the ``User`` and its :class:`~netweave.networks.models.Person`
once the address has been confirmed.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignUpForm(UserCreationForm):
    """A new account: user name, password, the person's name and e-mail address."""

    name = forms.CharField(
        label=_("Your name"), max_length=200,
        help_text=_("In networks that use pseudonyms, other members never see this name."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Used to reset your password. Not shown to other members."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "name", "email")

    def clean_email(self) -> str:
        """The address as typed, stripped. Whether an account uses it already is never
        said here (see :mod:`.accounts`)."""
        return self.cleaned_data["email"].strip()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name
