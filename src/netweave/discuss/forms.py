"""Forms of the discussion pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency
from .services import BODY_MAX, TITLE_MAX


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(label=_("Message"), max_length=BODY_MAX, widget=forms.Textarea(
        attrs={"rows": 8}), help_text=_("Markdown works: **bold**, *italic*, [link](https://…), "
                                        "lists. Mention someone with @ and their name here."))
    is_question = forms.BooleanField(label=_("This is a question (someone's reply can be "
                                             "accepted as the answer)"), required=False)

    def __init__(self, *args: object, network_slug: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"data-overlap": "discussion",
                                                  "data-network": network_slug,
                                                  "autocomplete": "off"})


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Digest e-mail"), choices=Frequency.choices,
                                  widget=forms.RadioSelect)


class MessageForm(forms.Form):
    """A message in the private conversation after an introduction."""

    body = forms.CharField(label=_("Your message"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
