"""Pages of the discussions and of warmth between meetings. Thin: writes in
:mod:`.services`, reads in :mod:`.selectors`, who may do what in
:mod:`netweave.networks.permissions`."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from netweave.networks.models import Discussion
from netweave.networks.permissions import Access, Capability, network_for
from netweave.networks.selectors import person_of
from netweave.trust.once import once_per_form

from . import selectors, services
from .forms import DigestForm, MessageForm, ReplyForm, TopicForm
from .models import Frequency

#: How far back the digest preview on the settings page looks.
PREVIEW_DAYS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _topic(access: Access, pk: int):
    discussion = selectors.discussion_in(access.network, pk)
    if discussion is None:
        raise Http404
    return discussion


def topic_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's topics, the most recently active first."""
    access = network_for(request.user, slug, Capability.SEE_CONTENTS)
    services.seen(access.person if access.membership else None, access.network)
    return render(request, "discuss/topic_list.html", {
        "network": access.network, "access": access,
        "can_post": access.can(Capability.TAKE_PART),
        "topics": selectors.topic_rows(access.network, access.person)})


@require_http_methods(["GET", "POST"])
@once_per_form
def topic_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a topic or ask a question."""
    access = network_for(request.user, slug, Capability.TAKE_PART)
    form = TopicForm(request.POST or None, network_slug=access.network.slug)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = services.start_topic(
                access.network, access.person, title=form.cleaned_data["title"],
                body=form.cleaned_data["body"], is_question=form.cleaned_data["is_question"])
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            return redirect("discuss-topic", access.network.slug, discussion.pk)
    return render(request, "discuss/topic_new.html", {"network": access.network, "form": form})


def topic_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A topic with its replies as a tree, reactions and the accepted answer."""
    access = network_for(request.user, slug, Capability.SEE_CONTENTS)
    discussion = _topic(access, pk)
    services.seen(access.person if access.membership else None, access.network)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = selectors.topic_page(discussion, access.person, page=number)
    can_accept = discussion.is_question and (
        access.is_facilitator or (access.person is not None
                                  and access.person.pk == discussion.author_id))
    return render(request, "discuss/topic_detail.html", {
        "network": access.network, "page": page, "discussion": discussion,
        "can_post": access.can(Capability.TAKE_PART), "can_accept": can_accept,
        "reactions": services.REACTIONS, "form": ReplyForm()})


@require_POST
@once_per_form
def topic_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    discussion = _topic(access, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your reply was empty or too long; nothing was posted."))
        return redirect("discuss-topic", slug, pk)
    parent = None
    if form.cleaned_data["parent"]:
        parent = selectors.post_in(access.network, form.cleaned_data["parent"])
        if parent is None:
            raise Http404
    try:
        post = services.reply(discussion, access.person, form.cleaned_data["body"],
                              parent=parent)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("discuss-topic", slug, pk)
    return redirect(post_url(discussion, post.pk))


def post_url(discussion: Discussion, post_id: int) -> str:
    return selectors.topic_path(discussion.network, discussion.pk, post_id)


@require_POST
def post_react(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    target = selectors.post_in(access.network, post)
    if target is None or target.discussion_id != pk:
        raise Http404
    try:
        services.react(target, access.person, request.POST.get("emoji", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(post_url(target.discussion, target.pk))


@require_POST
def post_accept(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    discussion = _topic(access, pk)
    target = selectors.post_in(access.network, post)
    if target is None:
        raise Http404
    try:
        services.accept_answer(discussion, target, by=access.person,
                               facilitator=access.is_facilitator)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The answer is marked as accepted."))
    return redirect(post_url(discussion, target.pk))


@require_POST
def topic_follow(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = network_for(request.user, slug, Capability.TAKE_PART)
    discussion = _topic(access, pk)
    if request.POST.get("follow") == "0":
        services.unfollow(discussion, access.person)
        messages.success(request, _("You no longer follow this topic."))
    else:
        services.follow(discussion, access.person)
        messages.success(request, _("You follow this topic: replies come in your digest."))
    return redirect("discuss-topic", slug, pk)


def between_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitator's view of the time since the last meeting (docs/metrics.md#warmth)."""
    access = network_for(request.user, slug, Capability.FACILITATE)
    figures = selectors.between_meetings(access.network)
    coverage = None if figures.gap_coverage is None else round(figures.gap_coverage * 100)
    return render(request, "discuss/between_meetings.html", {
        "network": access.network, "figures": figures, "coverage_percent": coverage,
        "days": None if figures.days_since_last_online is None
        else int(figures.days_since_last_online)})


@login_required
@require_http_methods(["GET", "POST"])
def digest_settings(request: HttpRequest) -> HttpResponse:
    """Choose the digest e-mail (daily, weekly, off) and see what it would hold now."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    frequency = selectors.frequency_of(person)
    form = DigestForm(request.POST or None, initial={"frequency": frequency})
    if request.method == "POST" and form.is_valid():
        services.set_digest(person, form.cleaned_data["frequency"])
        messages.success(request, _("Your digest choice is saved."))
        return redirect("discuss-digest")
    shown = Frequency.DAILY if frequency == Frequency.DAILY else Frequency.WEEKLY
    now = timezone.now()
    digest = selectors.digest_for(person, now - PREVIEW_DAYS[shown], now,
                                  selectors.EVENT_HORIZON[shown])
    return render(request, "discuss/digest_settings.html", {
        "form": form, "digest": digest, "frequency": frequency})


@require_http_methods(["GET", "POST"])
@login_required
@once_per_form
def conversation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The private conversation of the two people of introduction ``pk``: a 404 for anyone
    else, facilitators and staff included."""
    access = network_for(request.user, slug, Capability.TAKE_PART)
    intro = selectors.my_introduction(access.network, pk, access.person)
    if intro is None:
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            link = request.build_absolute_uri(reverse("discuss-conversation", args=[slug, pk]))
            try:
                services.send_private_message(intro, access.person, form.cleaned_data["body"],
                                              link=link)
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Sent. Only the two of you can read it."))
                return redirect("discuss-conversation", slug=slug, pk=pk)
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    response = render(request, "discuss/conversation.html", {
        "network": access.network, "access": access, "form": form,
        "page": selectors.conversation_page(intro, access.person)})
    response["Cache-Control"] = "private, no-store"
    return response
