"""Forms of the Weave pages: they check the shape of input; the services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ItemForm(forms.Form):
    """A new offer or need."""

    kind = forms.ChoiceField(label=_("I"), choices=[("need", _("seek")),
                                                    ("offer", pgettext_lazy("verb", "offer"))])
    text = forms.CharField(label=_("What"), max_length=500)
    tags = forms.CharField(label=_("Tags (comma-separated)"), max_length=1000, required=False)
    everywhere = forms.BooleanField(label=_("In all my networks"), required=False)


class InterestsForm(forms.Form):
    interests = forms.CharField(label=_("My interests (comma-separated)"), max_length=2000,
                                required=False, widget=forms.Textarea(attrs={"rows": 2}))
    opt_out = forms.BooleanField(label=_("No introductions, please"), required=False)


class FulfilForm(forms.Form):
    """Mark an offer or need fulfilled together with another member."""

    counterpart = forms.ChoiceField(label=_("With"))
    description = forms.CharField(label=_("What was given"), max_length=500, required=False)

    def __init__(self, *args, members: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].choices = members


class IntroduceForm(forms.Form):
    person_a = forms.ChoiceField(label=_("Introduce"))
    person_b = forms.ChoiceField(label=_("to"))
    reasons = forms.CharField(label=_("Why they should meet"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, members: list[tuple[str, str]],
                 firsts: list[tuple[str, str]] | None = None, **kwargs) -> None:
        """``firsts``: whom the user may introduce (only themselves unless a facilitator);
        by default all ``members``."""
        super().__init__(*args, **kwargs)
        self.fields["person_a"].choices = members if firsts is None else firsts
        self.fields["person_b"].choices = members


class FollowUpForm(forms.Form):
    met = forms.ChoiceField(label=_("Did you meet?"), choices=YES_NO, widget=forms.RadioSelect)
    valuable = forms.ChoiceField(label=_("Was it valuable?"), choices=YES_NO, required=False,
                                 widget=forms.RadioSelect)

    def answers(self) -> tuple[bool, bool | None]:
        """``(met, valuable)``; valuable is None when not given."""
        valuable = self.cleaned_data.get("valuable")
        return (self.cleaned_data["met"] == "yes",
                None if not valuable else valuable == "yes")


#: The cycles of value (Wenger, Trayner & de Laat 2011) with what each means, for the form.
CYCLE_CHOICES = [
    ("immediate", _("Immediate value: the activity itself was worth it (a good conversation, "
                    "a useful tip)")),
    ("potential", _("Potential value: something I can use later (knowledge, a contact, "
                    "confidence)")),
    ("applied", _("Applied value: I changed how I work or what I do")),
    ("realised", _("Realised value: a result that matters (a roof insulated, a cost saved)")),
    ("reframing", _("Transformative (reframing) value: it changed how we define success")),
]


class StoryForm(forms.Form):
    """A value story and what led to it (the choices come from the network)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("What happened?"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    cycle = forms.ChoiceField(label=_("What kind of value was it?"), choices=CYCLE_CHOICES,
                              widget=forms.RadioSelect)
    events = forms.TypedMultipleChoiceField(label=_("Meetings that led to it"), coerce=int,
                                            required=False)
    introductions = forms.TypedMultipleChoiceField(
        label=_("Introductions that led to it"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)
    offers = forms.TypedMultipleChoiceField(label=_("Offers that led to it"), coerce=int,
                                            required=False)

    def __init__(self, *args, events: list[tuple[int, str]],
                 introductions: list[tuple[int, str]], offers: list[tuple[int, str]],
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = events
        self.fields["introductions"].choices = introductions
        self.fields["offers"].choices = offers
