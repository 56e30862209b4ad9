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


class ConsentForm(forms.Form):
    email = forms.BooleanField(
        label=_("E-mail"), required=False,
        help_text=_("Digests and invitations from netweave and my networks."))
    map = forms.BooleanField(
        label=_("Network maps"), required=False,
        help_text=_("Appear as myself (or my pseudonym) on the network maps other members "
                    "see. Without it I am shown as an unnamed dot."))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput,
                               help_text=_("To confirm that it is you."))

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
