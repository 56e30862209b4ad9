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


class PseudonymField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(label=_("Pseudonym"), max_length=80, required=False,
                         help_text=_("The name other members see in this network. Your real "
                                     "name stays hidden from them."), **kwargs)


class JoinForm(forms.Form):
    """Joining (or asking to join): a pseudonym where the network uses them."""

    pseudonym = PseudonymField()
    message = forms.CharField(label=_("Message to the facilitators"), max_length=2000,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("yes", _("Approve")), ("no", _("Decline"))],
                                     coerce=lambda v: v == "yes")
    answer = forms.CharField(label=_("Message to the person (optional)"), max_length=2000,
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address (empty: a link to share yourself)"),
                             required=False)
    max_uses = forms.IntegerField(label=_("For how many people"), min_value=1, max_value=1000,
                                  initial=1)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365,
                              initial=14)


class InviteListForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet of e-mail addresses (CSV or XLSX)"))


class ProfileForm(forms.Form):
    """One's profile in one network."""

    pseudonym = PseudonymField()
    use_pseudonym = forms.BooleanField(label=_("Take part under my pseudonym"), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    interests = forms.CharField(label=_("Interests in this network (comma-separated)"),
                                max_length=2000, required=False,
                                help_text=_("Empty: the interests you gave under Give and "
                                            "take count here too."))
    email_language = forms.ChoiceField(label=_("Language of e-mails"), required=False)
    digest_frequency = forms.ChoiceField(label=_("Digest e-mail"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from django.conf import settings

        from .models import DigestFrequency, Sector

        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("(not given)")), *Sector.choices]
        self.fields["email_language"].choices = [("", _("The site's language")),
                                                 *settings.LANGUAGES]
        self.fields["digest_frequency"].choices = [("", _("As in my other networks")),
                                                   *DigestFrequency.choices]


class LinkHistoryForm(forms.Form):
    imported = forms.TypedChoiceField(label=_("Imported history of"), coerce=int)
    member = forms.TypedChoiceField(label=_("belongs to the member"), coerce=int)
