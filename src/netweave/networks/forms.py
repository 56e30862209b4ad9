"""Forms of the web pages.

Signing up is an account action, not a domain action: it creates a ``User`` and the
:class:`~netweave.networks.models.Person` linked to it, together, in one transaction.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Person


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
        """Refuse an address that another account already uses (password reset needs one)."""
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    @transaction.atomic
    def save(self, commit: bool = True) -> AbstractBaseUser:
        """Create the user and the linked person in one transaction; return the user."""
        if not commit:
            raise ValueError("SignUpForm.save() always commits: user and person belong together")
        user = super().save(commit=False)
        user.email = self.cleaned_data["email"]
        user.save()
        Person.objects.create(user=user, name=self.cleaned_data["name"], email=user.email)
        return user
