"""The membership lifecycle's rules (issue 16): joining, requests, invitations, leaving,
roles, pseudonyms, the profile per network, claiming imported history; and the activity
rows each step writes, counted by the engine's new/returning figures (METRICS.md 0, 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from netweave.core import activity as act
from netweave.dashboard.reading import read_network_data
from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import membership_selectors as ms
from netweave.networks import membership_services as members
from netweave.networks import services
from netweave.networks.activity_log import database_url
from netweave.networks.models import (
    Activity,
    Identity,
    IdentityMode,
    Invitation,
    JoinRequest,
    Membership,
    Person,
    Post,
    Registration,
    RequestStatus,
    Role,
    Visibility,
)

pytestmark = pytest.mark.django_db


T0 = datetime(2026, 3, 5, 19, 0, tzinfo=UTC)


def account(username: str, name: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    return Person.objects.create(user=user, name=name, email=user.email)


@pytest.fixture
def fenna() -> Person:
    return account("fenna", "Fenna Bakker")


@pytest.fixture
def anna() -> Person:
    return account("anna", "Anna de Vries")


def network(fenna, slug="warmte", visibility=Visibility.PUBLIC,
            identity_mode=IdentityMode.NAMED, pseudonym=""):
    return services.create_network(
        facilitator=fenna, name=slug.title(), slug=slug, purpose="Samen van het gas af.",
        primary_type="action", visibility=visibility, identity_mode=identity_mode,
        facilitator_pseudonym=pseudonym)


def kinds(net, person) -> list[str]:
    return list(Activity.objects.filter(network=net, actor=person).order_by("pk")
                .values_list("kind", flat=True))


# --- join and leave -------------------------------------------------------------------------

def test_joining_a_public_network_is_one_step_and_writes_a_join_row(fenna, anna):
    net = network(fenna)
    membership = members.join(net, anna)
    assert membership.is_active and membership.role == Role.MEMBER
    assert kinds(net, anna) == [act.JOIN]


def test_a_closed_or_secret_network_cannot_be_joined_in_one_step(fenna, anna):
    closed = network(fenna, "dicht", Visibility.CLOSED)
    secret = network(fenna, "geheim", Visibility.SECRET)
    for net in (closed, secret):
        with pytest.raises(ValidationError):
            members.join(net, anna)
    assert not Membership.objects.filter(person=anna).exists()


def test_joining_twice_is_refused(fenna, anna):
    net = network(fenna)
    members.join(net, anna)
    with pytest.raises(ValidationError, match="already a member"):
        members.join(net, anna)
    assert kinds(net, anna) == [act.JOIN]


def test_leaving_writes_a_leave_row_and_rejoining_a_new_join(fenna, anna):
    net = network(fenna)
    membership = members.join(net, anna)
    members.leave(membership)
    assert not Membership.objects.get(pk=membership.pk).is_active
    members.join(net, anna)
    assert kinds(net, anna) == [act.JOIN, act.LEAVE, act.JOIN]


def test_the_last_facilitator_cannot_leave_without_handing_over(fenna, anna):
    net = network(fenna)
    mine = Membership.objects.get(network=net, person=fenna)
    with pytest.raises(ValidationError, match="facilitator"):
        members.leave(mine)
    with pytest.raises(ValidationError, match="facilitator"):
        members.set_role(mine, Role.MEMBER)
    assert Membership.objects.get(pk=mine.pk).is_active
    assert ms.join_state(net, fenna).is_last_facilitator
    hers = members.join(net, anna)
    members.set_role(hers, Role.FACILITATOR)
    assert not ms.join_state(net, fenna).is_last_facilitator
    members.leave(mine)
    assert kinds(net, fenna) == [act.JOIN, act.LEAVE]


def test_facilitators_remove_members_with_a_leave_row_but_not_the_last_facilitator(fenna,
                                                                                    anna):
    net = network(fenna)
    mine = Membership.objects.get(network=net, person=fenna)
    hers = members.join(net, anna)
    with pytest.raises(ValidationError):
        members.remove(mine, by=hers)  # a member removes nobody
    with pytest.raises(ValidationError):
        members.remove(mine, by=mine)  # oneself: leave instead
    members.remove(hers, by=mine)
    assert kinds(net, anna) == [act.JOIN, act.LEAVE]


# --- requests -------------------------------------------------------------------------------

def test_a_request_is_approved_the_person_told_and_joined_at_approval(fenna, anna, mailoutbox):
    net = network(fenna, "dicht", Visibility.CLOSED)
    request = members.request_to_join(net, anna, message="Ik woon in Noord.")
    assert kinds(net, anna) == []  # asking is not joining
    assert [m.to for m in mailoutbox] == [[fenna.email]]
    assert "Ik woon in Noord." in mailoutbox[0].body
    assert list(ms.pending_requests(net)) == [request]
    with pytest.raises(ValidationError, match="asked to join already"):
        members.request_to_join(net, anna)
    members.decide_request(request, by=fenna, approve=True, answer="Welkom!")
    assert Membership.objects.get(network=net, person=anna).is_active
    assert kinds(net, anna) == [act.JOIN]
    assert mailoutbox[-1].to == [anna.email] and "Welkom!" in mailoutbox[-1].body
    assert list(ms.pending_requests(net)) == []
    with pytest.raises(ValidationError, match="answered already"):
        members.decide_request(request, by=fenna, approve=False)


def test_a_declined_request_joins_nobody_and_tells_the_person(fenna, anna, mailoutbox):
    net = network(fenna, "dicht", Visibility.CLOSED)
    request = members.request_to_join(net, anna)
    members.decide_request(request, by=fenna, approve=False, answer="Alleen voor Noord.")
    assert JoinRequest.objects.get(pk=request.pk).status == RequestStatus.DECLINED
    assert not Membership.objects.filter(network=net, person=anna).exists()
    assert kinds(net, anna) == []
    assert "Alleen voor Noord." in mailoutbox[-1].body
    members.request_to_join(net, anna)  # may ask again


def test_only_a_closed_network_takes_requests(fenna, anna):
    with pytest.raises(ValidationError):
        members.request_to_join(network(fenna), anna)


# --- pseudonyms -----------------------------------------------------------------------------

def test_a_pseudonym_is_chosen_at_joining_unique_in_the_network_and_changeable(fenna, anna):
    net = network(fenna, identity_mode=IdentityMode.PSEUDONYMOUS_ONLY, pseudonym="Uil")
    bram = account("bram", "Bram Brouwer")
    with pytest.raises(ValidationError, match="pseudonym"):
        members.join(net, anna)  # none given
    with pytest.raises(ValidationError, match="taken"):
        members.join(net, anna, pseudonym="uil")  # the facilitator's, in other letters
    hers = members.join(net, anna, pseudonym="Reiger")
    assert hers.identity == Identity.PSEUDONYM and hers.pseudonym == "Reiger"
    his = members.join(net, bram, pseudonym="Wilg")
    with pytest.raises(ValidationError, match="taken"):
        members.update_profile(his, members.ProfileChange(pseudonym="Reiger"))
    members.update_profile(hers, members.ProfileChange(pseudonym="Stille Reiger"))
    assert Membership.objects.get(pk=hers.pk).pseudonym == "Stille Reiger"
    with pytest.raises(ValidationError):
        members.update_profile(hers, members.ProfileChange(identity=Identity.REAL))
    names = {r.name for r in ms.member_rows(net, fenna)}
    assert names == {"Uil", "Stille Reiger", "Wilg"}
    assert "Anna de Vries" not in str(ms.member_rows(net, fenna))


def test_the_same_pseudonym_may_be_used_in_another_network(fenna, anna):
    one = network(fenna, "een", identity_mode=IdentityMode.PSEUDONYMOUS_ONLY, pseudonym="Uil")
    two = network(fenna, "twee", identity_mode=IdentityMode.PSEUDONYMOUS_ONLY, pseudonym="Vos")
    members.join(one, anna, pseudonym="Vos")
    members.join(two, account("bram", "Bram"), pseudonym="Uil")


# --- invitations ----------------------------------------------------------------------------

def test_an_emailed_invitation_lets_one_person_join_a_secret_network(fenna, anna, mailoutbox):
    net = network(fenna, "geheim", Visibility.SECRET, IdentityMode.PSEUDONYMOUS_ONLY, "Uil")
    new = members.create_invitation(net, by=fenna, email="Anna@Example.org")
    assert mailoutbox[-1].to == ["anna@example.org"]
    assert new.link in mailoutbox[-1].body and "Uil" in mailoutbox[-1].body
    assert "Fenna" not in mailoutbox[-1].body  # the pseudonymous inviter stays so
    assert new.token not in Invitation.objects.get().digest
    membership = members.accept_invitation(new.token, anna, pseudonym="Reiger")
    assert membership.pseudonym == "Reiger" and kinds(net, anna) == [act.JOIN]
    with pytest.raises(ValidationError, match="used up"):
        members.accept_invitation(new.token, account("bram", "Bram"), pseudonym="Vos")


def test_a_multi_use_invitation_stops_at_its_limit(fenna):
    net = network(fenna, "dicht", Visibility.CLOSED)
    new = members.create_invitation(net, by=fenna, max_uses=2)
    members.accept_invitation(new.token, account("a", "A"))
    members.accept_invitation(new.token, account("b", "B"))
    with pytest.raises(ValidationError, match="used up"):
        members.accept_invitation(new.token, account("c", "C"))
    assert Invitation.objects.get().uses == 2
    with pytest.raises(ValidationError):
        members.create_invitation(net, by=fenna, max_uses=0)


def test_an_invitation_expires(fenna, anna):
    net = network(fenna, "dicht", Visibility.CLOSED)
    new = members.create_invitation(net, by=fenna, days=7, at=T0)
    with pytest.raises(ValidationError, match="expired"):
        members.accept_invitation(new.token, anna, at=T0 + timedelta(days=7))
    members.accept_invitation(new.token, anna, at=T0 + timedelta(days=6))


def test_a_revoked_invitation_admits_nobody_but_keeps_who_joined(fenna, anna):
    net = network(fenna, "dicht", Visibility.CLOSED)
    new = members.create_invitation(net, by=fenna, max_uses=5)
    members.accept_invitation(new.token, anna)
    members.revoke_invitation(new.invitation)
    with pytest.raises(ValidationError, match="withdrawn"):
        members.accept_invitation(new.token, account("bram", "Bram"))
    assert Membership.objects.get(network=net, person=anna).is_active
    assert ms.invitation_state(Invitation.objects.get()) == "revoked"
    with pytest.raises(ValidationError, match="not valid"):
        members.accept_invitation("no-such-token", anna)


def test_invite_by_list_reads_a_spreadsheet_and_skips_members(fenna, anna, mailoutbox):
    net = network(fenna, "dicht", Visibility.CLOSED)
    members.accept_invitation(members.create_invitation(net, by=fenna).token, anna)
    raw = b"Naam;E-mail\nAnna;anna@example.org\nBram;bram@example.org\nCor;COR@example.org\n"
    addresses = members.read_address_list(raw, "leden.csv")
    assert addresses == ["anna@example.org", "bram@example.org", "cor@example.org"]
    before = len(mailoutbox)
    done = members.invite_list(net, by=fenna, addresses=addresses)
    assert done.invited == ["bram@example.org", "cor@example.org"]
    assert done.members == ["anna@example.org"]
    assert sorted(m.to[0] for m in mailoutbox[before:]) == done.invited


def test_a_list_without_a_header_is_read_too(fenna):
    assert members.read_address_list(b"bram@example.org\ncor@example.org\n", "l.txt") == [
        "bram@example.org", "cor@example.org"]


def test_a_list_with_a_bad_address_is_refused_whole_naming_the_line(fenna, mailoutbox):
    raw = b"email\nbram@example.org\nnot-an-address\n"
    with pytest.raises(ValidationError) as info:
        members.read_address_list(raw, "leden.csv")
    assert "leden.csv, line 3" in " ".join(info.value.messages)
    assert mailoutbox == []


# --- the profile per network ----------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_profile_per_network_feeds_the_stakeholder_mix(fenna, anna):
    net = network(fenna)
    hers = members.join(net, anna)
    members.update_profile(hers, members.ProfileChange(
        organisation="Gemeente Zuid", sector="government", interests="warmte, isolatie, warmte",
        email_language="nl", digest_frequency="daily"))
    hers.refresh_from_db()
    assert hers.interests == ["warmte", "isolatie"]
    assert hers.effective_sector == "government"
    assert hers.organisation.name == "Gemeente Zuid"
    people = read_network_data(database_url(), net.pk).people
    row = people.filter(people["person"] == anna.pk).row(0, named=True)
    assert row["sector"] == "government" and row["organisation"] == "Gemeente Zuid"
    with pytest.raises(ValidationError):
        members.update_profile(hers, members.ProfileChange(sector="royalty"))


def test_e_mails_go_out_in_the_language_chosen_for_the_network(fenna, anna, mailoutbox):
    net = network(fenna, "dicht", Visibility.CLOSED)
    Membership.objects.filter(network=net, person=fenna).update(email_language="nl")
    with translation.override("en"):
        request = members.request_to_join(net, anna)
        assert "verzoek" in mailoutbox[-1].subject.lower()  # to Fenna, in her Dutch
        members.decide_request(request, by=fenna, approve=False)
        assert "Your request" in mailoutbox[-1].subject  # Anna chose nothing: the request's


# --- claiming imported history --------------------------------------------------------------

def imported(net, name: str, email: str) -> Person:
    person = Person.objects.create(name=name, email=email)
    services.join_network(net, person, source="import:csv")
    return person


@pytest.mark.django_db(transaction=True)
def test_claiming_moves_history_in_the_named_network_only(fenna, anna, mailoutbox):
    one = network(fenna, "een")
    two = network(fenna, "twee")
    old_one = imported(one, "A. de Vries", "ANNA@example.org")
    old_two = imported(two, "A. de Vries", "anna@example.org")
    topic = discuss_services.start_topic(one, fenna, title="Warmte", body="Wie doet mee?")
    answer = discuss_services.reply(topic, old_one, "Ik!")
    event = meet_services.create_event(one, title="Avond", starts_at=T0, ends_at=T0)
    meet_services.rsvp(event, old_one, "going", at=T0)
    discuss_services.start_topic(two, old_two, title="Zon", body="Panelen?")
    assert [n.slug for n in ms.claim_offers(anna)] == ["een", "twee"]

    assert members.offer_claim(one, anna)
    token = mailoutbox[-1].body.split("/me/claims/")[1].split("/")[0]
    with pytest.raises(ValidationError, match="another account"):
        members.confirm_claim(token, account("bram", "Bram"))
    assert members.confirm_claim(token, anna) == one

    assert Post.objects.get(pk=answer.pk).author == anna
    assert Registration.objects.get(event=event).person == anna
    assert Membership.objects.get(network=one, person=anna).is_active
    assert sorted(kinds(one, anna)) == sorted([act.JOIN, act.REPLY, act.RSVP])
    log = read_network_data(database_url(), one.pk).log  # the effective log
    assert old_one.pk not in set(log["actor"].to_list()) | set(log["target"].to_list())
    assert anna.pk in set(log["actor"].to_list())
    # the other network's history stays where it was, offered on its own
    assert not Membership.objects.filter(network=two, person=anna).exists()
    assert kinds(two, old_two) == [act.JOIN, act.POST]
    assert [n.slug for n in ms.claim_offers(anna)] == ["twee"]
    with pytest.raises(ValidationError, match="nothing left"):
        members.confirm_claim(token, anna)


def test_a_claim_needs_the_same_address_and_an_import_without_account(fenna, anna):
    net = network(fenna)
    imported(net, "Someone", "someone@example.org")
    assert not members.offer_claim(net, anna)
    assert ms.claim_offers(anna) == []


def test_facilitators_link_history_by_hand_within_their_network(fenna, anna):
    net = network(fenna)
    members.join(net, anna)
    old = imported(net, "Anna V.", "")
    discuss_services.start_topic(net, old, title="Isolatie", body="Tips?")
    moved = members.link_history(net, imported=old, account=anna)
    assert moved == 2  # join and post
    assert kinds(net, anna) == [act.JOIN, act.JOIN, act.POST]
    assert not Membership.objects.filter(network=net, person=old).exists()
    with pytest.raises(ValidationError):
        members.link_history(net, imported=anna, account=fenna)  # an account is no import
    other = network(fenna, "ander")
    stranger = imported(other, "B", "b@example.org")
    with pytest.raises(ValidationError, match="no history in this network"):
        members.link_history(net, imported=stranger, account=anna)


@pytest.mark.django_db(transaction=True)
def test_new_members_count_as_new_once_they_contribute(fenna, anna):
    """Joining writes the row the engine reads as the start of a membership; a first post
    after joining makes a "new" participant (METRICS.md 1)."""
    from django.utils import timezone

    from netweave.core.measure.data import Period
    from netweave.core.measure.engine import measure

    net = network(fenna)
    members.join(net, anna)
    discuss_services.start_topic(net, anna, title="Hallo", body="Ik ben nieuw.")
    data = read_network_data(database_url(), net.pk)
    figures = measure(data, Period.ending(timezone.now() + timedelta(minutes=1), days=90)
                      ).figures["activity"]
    assert figures["new"] >= 1
    assert mail.outbox == []


def test_deleting_an_account_forgets_the_profile_interests_and_requests(fenna, anna):
    from netweave.trust import gdpr

    net = network(fenna)
    hers = members.join(net, anna)
    members.update_profile(hers, members.ProfileChange(interests="mantelzorg, slaap"))
    members.request_to_join(network(fenna, "dicht", Visibility.CLOSED), anna,
                            message="Mijn moeder heeft dementie.")
    gdpr.delete_account(anna.user)
    assert Membership.objects.get(pk=hers.pk).interests == []
    assert not JoinRequest.objects.filter(person=anna).exists()
