"""Membership pages: join, ask to join, leave, accept an invitation, my profile in a network,
claim imported history; and the facilitators' members page (requests, members, roles,
invitations, invite-by-list, linking history by hand).

Views stay thin: who may do what comes from :mod:`.permissions`, reads from
:mod:`.membership_selectors`, writes from :mod:`.membership_services`. Bad input changes
nothing and comes back as a message saying what was expected.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import membership_selectors as selectors
from . import membership_services as services
from .forms import (
    DecisionForm,
    InvitationForm,
    InviteListForm,
    JoinForm,
    LinkHistoryForm,
    ProfileForm,
)
from .models import IdentityMode, Invitation, JoinRequest, Membership
from .permissions import Capability, network_for
from .selectors import member_name, person_of


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _me(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise Http404
    return person


def _detail(slug: str) -> HttpResponse:
    return redirect("network-detail", slug=slug)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """Join a public network, or ask to join a closed one."""
    access = network_for(request.user, slug)
    person = _me(request)
    form = JoinForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail(slug)
    data = form.cleaned_data
    try:
        if selectors.join_state(access.network, person).can_request:
            services.request_to_join(access.network, person, message=data["message"],
                                     pseudonym=data["pseudonym"])
            messages.success(request, _("Your request has been sent to the facilitators. "
                                        "You will hear by e-mail."))
        else:
            services.join(access.network, person, pseudonym=data["pseudonym"])
            messages.success(request, _("Welcome: you are a member of %(network)s now.")
                             % {"network": access.network.name})
    except ValidationError as error:
        _errors(request, error)
    return _detail(slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_for(request.user, slug)
    if access.membership is None:
        raise Http404
    try:
        services.leave(access.membership)
    except ValidationError as error:
        _errors(request, error)
        return _detail(slug)
    messages.success(request, _("You have left %(network)s.") % {"network": access.network.name})
    return redirect("home")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: who invites to what; log in or sign up, choose a pseudonym where
    the network uses them, and join."""
    found = services.find_invitation(token)
    try:
        invite = services.check_invitation(found)
    except ValidationError as error:
        return render(request, "networks/members/invitation.html",
                      {"problem": " ".join(error.messages)}, status=410 if found else 404)
    network = invite.network
    person = person_of(request.user)
    state = selectors.join_state(network, person)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            services.accept_invitation(token, person, pseudonym=form.cleaned_data["pseudonym"])
        except ValidationError as error:
            form.add_error("pseudonym", error)
        else:
            messages.success(request, _("Welcome: you are a member of %(network)s now.")
                             % {"network": network.name})
            return _detail(network.slug)
    return render(request, "networks/members/invitation.html", {
        "network": network, "invite": invite, "form": form, "state": state,
        "needs_pseudonym": network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY,
        "may_pseudonym": network.identity_mode != IdentityMode.NAMED,
    })


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    """My profile in this network (mine only: the real name shows here, to me)."""
    access = network_for(request.user, slug)
    membership = access.membership
    if membership is None:
        raise Http404
    initial = {"pseudonym": membership.pseudonym,
               "use_pseudonym": membership.identity == "pseudonym",
               "organisation": membership.organisation.name if membership.organisation else "",
               "sector": membership.sector, "interests": ", ".join(membership.interests or []),
               "email_language": membership.email_language,
               "digest_frequency": membership.digest_frequency}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mode = access.network.identity_mode
        identity = ("pseudonym" if mode == IdentityMode.PSEUDONYMOUS_ONLY
                    else "pseudonym" if mode == IdentityMode.PSEUDONYMS_ALLOWED
                    and data["use_pseudonym"] else "real")
        change = services.ProfileChange(
            identity=identity, pseudonym=data["pseudonym"], organisation=data["organisation"],
            sector=data["sector"], interests=data["interests"],
            email_language=data["email_language"], digest_frequency=data["digest_frequency"])
        try:
            services.update_profile(membership, change)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Your profile in this network is saved."))
            return redirect("members-profile", slug=slug)
    return render(request, "networks/members/profile.html", {
        "network": access.network, "membership": membership, "form": form,
        "person": access.person, "mode": access.network.identity_mode,
        "state": selectors.join_state(access.network, access.person),
    })


# --- facilitators ---------------------------------------------------------------------------

@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitators' members page."""
    access = network_for(request.user, slug, Capability.FACILITATE)
    network = access.network
    requests = [(r, selectors.request_name(r)) for r in selectors.pending_requests(network)]
    invitations = [(i, selectors.invitation_state(i)) for i in selectors.invitations(network)]
    members = selectors.member_rows(network, access.person)
    imported = selectors.imported_people(network)
    link_form = LinkHistoryForm()
    link_form.fields["imported"].choices = [(r.id, r.name) for r in imported]
    link_form.fields["member"].choices = [(m.id, m.name) for m in members if m.has_account]
    return render(request, "networks/members/manage.html", {
        "network": network, "requests": requests, "members": members,
        "invitations": invitations, "invitation_form": InvitationForm(),
        "list_form": InviteListForm(), "link_form": link_form, "imported": imported,
        "decision_form": DecisionForm(),
    })


def _manage(slug: str) -> HttpResponse:
    return redirect("members-manage", slug=slug)


def _facilitator(request: HttpRequest, slug: str):
    return network_for(request.user, slug, Capability.FACILITATE)


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    access = _facilitator(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=request_id, network=access.network)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _manage(slug)
    try:
        services.decide_request(join_request, by=access.person, approve=form.cleaned_data[
            "approve"], answer=form.cleaned_data["answer"])
    except ValidationError as error:
        _errors(request, error)
    else:
        text = (_("Approved: %(name)s is a member now.") if form.cleaned_data["approve"]
                else _("Declined: %(name)s has been told."))
        messages.success(request, text % {"name": selectors.request_name(join_request)})
    return _manage(slug)


def _membership(access, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, network=access.network,
                             left_at__isnull=True)


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    access = _facilitator(request, slug)
    membership = _membership(access, membership_id)
    try:
        if access.membership is None:
            raise ValidationError(_("Only a facilitator of this network removes members."))
        services.remove(membership, by=access.membership)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("%(name)s is no longer a member.")
                         % {"name": member_name(membership)})
    return _manage(slug)


@login_required
@require_POST
def set_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    access = _facilitator(request, slug)
    membership = _membership(access, membership_id)
    try:
        services.set_role(membership, request.POST.get("role", ""))
    except (ValidationError, ValueError) as error:
        _errors(request, error if isinstance(error, ValidationError)
                else ValidationError(_("Choose a role.")))
    else:
        messages.success(request, _("%(name)s is now: %(role)s.") % {
            "name": member_name(membership), "role": membership.get_role_display()})
    return _manage(slug)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    access = _facilitator(request, slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _manage(slug)
    data = form.cleaned_data
    try:
        new = services.create_invitation(access.network, by=access.person, email=data["email"],
                                         max_uses=data["max_uses"], days=data["days"])
    except ValidationError as error:
        _errors(request, error)
        return _manage(slug)
    if data["email"]:
        messages.success(request, _("The invitation has been sent to %(email)s.")
                         % {"email": data["email"]})
    else:
        messages.success(request, _("The invitation link (shown only now): %(link)s")
                         % {"link": new.link})
    return _manage(slug)


@login_required
@require_POST
def invite_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = _facilitator(request, slug)
    form = InviteListForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _manage(slug)
    upload = form.cleaned_data["file"]
    try:
        addresses = services.read_address_list(upload.read(), upload.name)
        done = services.invite_list(access.network, by=access.person, addresses=addresses)
    except ValidationError as error:
        _errors(request, error)
        return _manage(slug)
    messages.success(request, _("Invitations sent: %(sent)d. Members already: %(members)d.")
                     % {"sent": len(done.invited), "members": len(done.members)})
    return _manage(slug)


@login_required
@require_POST
def revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    access = _facilitator(request, slug)
    invitation_row = get_object_or_404(Invitation, pk=invitation_id, network=access.network)
    services.revoke_invitation(invitation_row)
    messages.success(request, _("The invitation has been withdrawn."))
    return _manage(slug)


@login_required
@require_POST
def link_history(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator links imported history to a member's account, in this network only."""
    access = _facilitator(request, slug)
    data = request.POST
    try:
        imported = get_object_or_404(Membership, pk=int(data.get("imported", 0)),
                                     network=access.network, person__user__isnull=True)
        member = get_object_or_404(Membership, pk=int(data.get("member", 0)),
                                   network=access.network, person__user__isnull=False)
    except ValueError as exc:
        raise Http404 from exc
    name = member_name(imported)
    try:
        services.link_history(access.network, imported=imported.person, account=member.person)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The history of %(old)s now belongs to %(name)s.")
                         % {"old": name, "name": member_name(member)})
    return _manage(slug)


# --- claiming imported history --------------------------------------------------------------

@login_required
def claims(request: HttpRequest) -> HttpResponse:
    """Networks whose imports knew my e-mail address: each offered on its own."""
    return render(request, "networks/members/claims.html",
                  {"networks": selectors.claim_offers(person_of(request.user))})


@login_required
@require_POST
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the link that confirms a claim to my own address."""
    access = network_for(request.user, slug)
    person = _me(request)
    if services.offer_claim(access.network, person):
        messages.success(request, _("We sent a link to %(email)s: open it to link the "
                                    "history.") % {"email": person.email})
    else:
        messages.error(request, _("There is no history to link in this network."))
    return redirect("members-claims")


@login_required
@require_http_methods(["GET", "POST"])
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the claim e-mail: confirm, then the history is linked."""
    person = _me(request)
    if request.method == "POST":
        try:
            network = services.confirm_claim(token, person)
        except ValidationError as error:
            _errors(request, error)
            return redirect("members-claims")
        messages.success(request, _("Your history in %(network)s is linked to your account.")
                         % {"network": network.name})
        return _detail(network.slug)
    return render(request, "networks/members/claim_confirm.html", {"token": token})
