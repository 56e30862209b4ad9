"""Trust's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. 'monthly export'."))
    scope = forms.ChoiceField(
        label=_("Scope"), choices=Scope.choices, initial=Scope.READ,
        help_text=_("Read: look only. Read and write: also post, RSVP and change your own "
                    "things. Facilitate: also the facilitator's actions in networks you "
                    "facilitate."),
    )
