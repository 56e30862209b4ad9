"""The charter wizard's steps: one form per step, each validating only its own answers."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import (
    CommunityType,
    IdentityMode,
    Mode,
    Network,
    Sector,
    Visibility,
)

MAX_TAGS = 10
MAX_TAG_LENGTH = 40

#: What each community type is, with an example (shown beside the choice).
TYPE_HELP: dict[str, Any] = {
    CommunityType.ACTION: _("Members work together to change something concrete, by a date. "
                            "Example: getting 200 homes in the village insulated before "
                            "next winter."),
    CommunityType.PRACTICE: _("People who do the same work learn from each other's cases. "
                              "Example: district nurses who meet monthly for peer "
                              "consultation."),
    CommunityType.PLACE: _("People who share a place improve it together. Example: residents "
                           "of a neighbourhood who run a community garden."),
    CommunityType.INTEREST: _("People who share a subject or passion exchange what they know. "
                              "Example: amateur beekeepers in the province."),
    CommunityType.CIRCUMSTANCE: _("People in the same situation, often one they did not "
                                  "choose, support each other. Example: informal carers of a "
                                  "parent with dementia."),
}
MODE_HELP: dict[str, Any] = {
    Mode.OFFLINE_FIRST: _("Members mostly meet in person; online keeps in touch between "
                          "meetings."),
    Mode.HYBRID: _("Regular meetings in person, with an online rhythm in between."),
    Mode.ONLINE_ONLY: _("Members only meet online."),
}
VISIBILITY_HELP: dict[str, Any] = {
    Visibility.PUBLIC: _("Anyone can see the charter, members, events and discussions."),
    Visibility.CLOSED: _("Anyone can find the charter; only members see what happens inside."),
    Visibility.SECRET: _("Only members know that the network exists."),
}
IDENTITY_HELP: dict[str, Any] = {
    IdentityMode.NAMED: _("Everyone takes part under their own name."),
    IdentityMode.PSEUDONYMS_ALLOWED: _("Members may choose a pseudonym."),
    IdentityMode.PSEUDONYMOUS_ONLY: _("Everyone takes part under a pseudonym."),
}


class PurposeForm(forms.Form):
    """Step 1: name, short name (when starting), purpose and goals."""

    name = forms.CharField(label=_("Name of the network"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name for the web address"), max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, e.g. energy-zeist."))
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "data-overlap": "network"}),
        help_text=_("Who is the network for, what is it about, and what should change?"))
    goals = forms.CharField(label=_("Goals"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    goal_date = forms.DateField(
        label=_("Date of the first goal"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When should the first goal be reached? Leave empty if no goal has a "
                    "date."))

    def __init__(self, *args: Any, starting: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not starting:
            del self.fields["slug"]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if Network.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("The short name “%(slug)s” is taken; choose "
                                          "another.") % {"slug": slug})
        return slug


class CommitmentsForm(forms.Form):
    """Step 2: what members bring and get, planned activities and rhythm."""

    expectations_bring = forms.CharField(
        label=_("What members bring"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Something concrete: a case, an hour a month, knowledge of a subject."))
    expectations_get = forms.CharField(label=_("What members get"), required=False,
                                       max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    planned_activities = forms.CharField(
        label=_("Planned activities"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The first meeting or activity, and what follows."))
    cadence = forms.CharField(label=_("Rhythm"), required=False, max_length=200,
                              help_text=_("E.g. a meeting every six weeks, online in between."))


class FocusForm(forms.Form):
    """Step 3: focus tags, region and community types."""

    focus_tags = forms.CharField(
        label=_("Focus tags"), required=False, max_length=600,
        help_text=_("Two to five tags that name the subject, separated by commas."))
    region = forms.CharField(label=_("Region"), required=False, max_length=200,
                             help_text=_("A municipality or province, e.g. Zeist."))
    primary_type = forms.ChoiceField(label=_("Primary community type"),
                                     choices=CommunityType.choices, widget=forms.RadioSelect)
    secondary_types = forms.MultipleChoiceField(
        label=_("Other community types"), required=False, choices=CommunityType.choices,
        widget=forms.CheckboxSelectMultiple)

    def clean_focus_tags(self) -> list[str]:
        raw = self.cleaned_data["focus_tags"]
        tags = list(dict.fromkeys(t.strip() for t in re.split(r"[,;\n]", raw) if t.strip()))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("At most %(n)s focus tags; you gave %(given)s.")
                                        % {"n": MAX_TAGS, "given": len(tags)})
        long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
        if long:
            raise forms.ValidationError(_("A focus tag has at most %(n)s characters: "
                                          "“%(tag)s” is longer.")
                                        % {"n": MAX_TAG_LENGTH, "tag": long[0]})
        return tags

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        primary = data.get("primary_type")
        data["secondary_types"] = [t for t in data.get("secondary_types") or []
                                   if t != primary]
        return data


class SetupForm(forms.Form):
    """Step 4: mode, visibility, identity mode and the target stakeholder mix."""

    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, widget=forms.RadioSelect,
                             initial=Mode.HYBRID)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices,
                                   widget=forms.RadioSelect, initial=Visibility.PUBLIC)
    identity_mode = forms.ChoiceField(label=_("Identity mode"), choices=IdentityMode.choices,
                                      widget=forms.RadioSelect, initial=IdentityMode.NAMED)
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, required=False,
        help_text=_("E-mails go out in this language to members who chose none of their "
                    "own."))
    facilitator_pseudonym = forms.CharField(
        label=_("Your pseudonym in this network"), required=False, max_length=80,
        help_text=_("Needed when everyone takes part under a pseudonym; optional when "
                    "pseudonyms are allowed."))

    def __init__(self, *args: Any, starting: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        if not starting:
            del self.fields["facilitator_pseudonym"]
        for value, label in Sector.choices:
            self.fields[f"mix_{value}"] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=100,
                widget=forms.NumberInput(attrs={"class": "mix-input", "step": 1}))

    def mix_fields(self) -> list[forms.BoundField]:
        """The target-mix inputs, one per sector."""
        return [self[f"mix_{value}"] for value, _label in Sector.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        shares = {value: data.get(f"mix_{value}") for value, _label in Sector.choices}
        given = {k: v for k, v in shares.items() if v}
        total = sum(given.values())
        if given and total != 100:
            raise forms.ValidationError(_("The target mix adds up to %(total)s%%; the "
                                          "percentages must add up to 100 (or leave them all "
                                          "empty).") % {"total": total})
        data["target_mix"] = {k: round(v / 100, 4) for k, v in given.items()}
        data["language"] = data.get("language") or translation.get_language()
        pseudonym = (data.get("facilitator_pseudonym") or "").strip()
        if ("facilitator_pseudonym" in self.fields
                and data.get("identity_mode") == IdentityMode.PSEUDONYMOUS_ONLY
                and not pseudonym):
            self.add_error("facilitator_pseudonym",
                           _("Everyone takes part under a pseudonym here: choose yours."))
        if data.get("identity_mode") == IdentityMode.NAMED:
            data["facilitator_pseudonym"] = ""
        return data


class ReviewForm(forms.Form):
    """The last step: an optional note on why the charter changed (when revising)."""

    note = forms.CharField(label=_("Why did the charter change? (optional)"), required=False,
                           max_length=300)


STEPS: tuple[tuple[str, Any, Any], ...] = (
    ("purpose", _("Purpose and goals"), PurposeForm),
    ("commitments", _("Expectations and activities"), CommitmentsForm),
    ("focus", _("Focus and community type"), FocusForm),
    ("setup", _("Mode, visibility and people"), SetupForm),
    ("review", _("Review and guidance"), ReviewForm),
)
#: Which step asks each charter field (for links from the sharpness check).
FIELD_STEP: dict[str, str] = {
    "name": "purpose", "slug": "purpose", "purpose": "purpose", "goals": "purpose",
    "goal_date": "purpose", "expectations_bring": "commitments",
    "expectations_get": "commitments", "planned_activities": "commitments",
    "cadence": "commitments", "focus_tags": "focus", "region": "focus",
    "primary_type": "focus", "secondary_types": "focus", "mode": "setup",
    "visibility": "setup", "identity_mode": "setup", "target_mix": "setup",
    "facilitator_pseudonym": "setup",
}
