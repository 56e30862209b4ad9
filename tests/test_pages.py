"""The server-rendered pages: visibility, the network page, pseudonymity, accounts, admin.

Data is built with :mod:`netweave.networks.services`, as the app builds it.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import (
    Activity,
    Identity,
    IdentityMode,
    Network,
    Person,
    Visibility,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Weave-the-net-2026"
User = get_user_model()


def make_person(username: str, name: str, *, staff: bool = False) -> Person:
    """A user with a linked person (what sign-up creates)."""
    email = f"{username}@example.org"
    if staff:
        user = User.objects.create_superuser(username, email=email, password=PASSWORD)
    else:
        user = User.objects.create_user(username, email=email, password=PASSWORD)
    return Person.objects.create(user=user, name=name, email=email)


def client_for(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person.user)
    return client


def make_network(facilitator: Person, slug: str, **charter) -> Network:
    charter.setdefault("name", slug.replace("-", " ").title())
    charter.setdefault("purpose", f"Purpose of {slug}.")
    charter.setdefault("primary_type", "practice")
    return services.create_network(facilitator=facilitator, slug=slug, **charter)


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def people() -> dict[str, Person]:
    return {
        "fac": make_person("fac", "Fenna Facilitator"),
        "member": make_person("member", "Mo Member"),
        "outsider": make_person("outsider", "Otto Outsider"),
        "staff": make_person("staff", "Stella Staff", staff=True),
    }


@pytest.fixture
def networks(people) -> dict[str, Network]:
    nets = {
        "public": make_network(people["fac"], "open-energy", name="Open Energy Table"),
        "closed": make_network(people["fac"], "nurses-circle", name="District Nurses Circle",
                               visibility=Visibility.CLOSED),
        "secret": make_network(people["fac"], "hidden-harbour", name="Hidden Harbour",
                               visibility=Visibility.SECRET),
    }
    for net in nets.values():
        services.join_network(net, people["member"])
    return nets


# --- visibility --------------------------------------------------------------------------

@pytest.mark.parametrize("viewer", [None, "outsider"])
def test_home_lists_public_and_closed_but_hides_secret_from_outsiders(people, networks, viewer):
    response = client_for(people.get(viewer)).get(reverse("home"))
    assert response.status_code == 200
    html = body(response)
    assert "Open Energy Table" in html
    assert "District Nurses Circle" in html
    assert "Hidden Harbour" not in html
    assert "hidden-harbour" not in html


@pytest.mark.parametrize("viewer", ["member", "fac", "staff"])
def test_home_lists_secret_network_for_its_members_and_staff(people, networks, viewer):
    html = body(client_for(people[viewer]).get(reverse("home")))
    assert "Hidden Harbour" in html


def test_home_hides_secret_network_from_former_member(people, networks):
    membership = networks["secret"].memberships.get(person=people["member"])
    services.leave_network(membership)
    html = body(client_for(people["member"]).get(reverse("home")))
    assert "Hidden Harbour" not in html
    assert "Open Energy Table" in html


@pytest.mark.parametrize("viewer", [None, "outsider"])
def test_secret_network_page_is_404_for_outsiders(people, networks, viewer):
    url = networks["secret"].get_absolute_url()
    response = client_for(people.get(viewer)).get(url)
    assert response.status_code == 404
    assert "Hidden Harbour" not in body(response)


@pytest.mark.parametrize("viewer", ["member", "fac", "staff"])
def test_secret_network_page_is_200_for_members_and_staff(people, networks, viewer):
    response = client_for(people[viewer]).get(networks["secret"].get_absolute_url())
    assert response.status_code == 200
    assert "Hidden Harbour" in body(response)


def test_unknown_network_is_404(client):
    assert client.get(reverse("network-detail", args=["no-such-network"])).status_code == 404


def test_closed_network_shows_charter_but_not_its_life_to_outsiders(people, networks):
    net = networks["closed"]
    discuss_services.start_topic(net, people["member"], title="Night shifts and sleep", body="…")
    outsider = body(client_for(people["outsider"]).get(net.get_absolute_url()))
    assert "Purpose of nurses-circle." in outsider
    assert "Night shifts and sleep" not in outsider
    assert "Mo Member" not in outsider
    assert "Members only" in outsider
    member = body(client_for(people["member"]).get(net.get_absolute_url()))
    assert "Night shifts and sleep" in member
    assert "Mo Member (you)" in member


# --- the network page ----------------------------------------------------------------------

def test_network_page_shows_the_charter(people, client):
    net = make_network(
        people["fac"], "energy-coop",
        name="Energy Co-op Noord",
        purpose="Halve the energy use of our streets by 2030.",
        goals="Ten streets with a heat plan.",
        expectations_bring="Time and one skill.",
        expectations_get="Advice from neighbours who did it.",
        planned_activities="Monthly street walks.",
        cadence="Every first Tuesday",
        focus_tags=["heat pumps", "insulation"],
        region="Groningen",
        primary_type="place",
        secondary_types=["action"],
        mode="offline_first",
        identity_mode=IdentityMode.PSEUDONYMS_ALLOWED,
        target_mix={"residents": 0.5, "government": 0.25, "business": 0.25},
    )
    html = body(client.get(net.get_absolute_url()))
    for text in [
        "Halve the energy use of our streets by 2030.", "Ten streets with a heat plan.",
        "Time and one skill.", "Advice from neighbours who did it.", "Monthly street walks.",
        "Every first Tuesday", "heat pumps", "insulation", "Groningen",
        # labels
        "Purpose", "Goals", "What members bring", "What members get", "Planned activities",
        "Rhythm", "Focus tags", "Region", "Community types", "Mode", "Visibility",
        "Identity mode", "Target stakeholder mix",
        # choices shown by their labels
        "Offline first", "Public", "Pseudonyms allowed",
        "Government: 25%", "Business: 25%", "Residents: 50%",
    ]:
        assert text in html, text
    assert html.index("Place (primary)") < html.index("Action")
    assert html.index("Government: 25%") < html.index("Residents: 50%")


def test_network_page_shows_upcoming_events_not_past_ones(people, networks, client):
    net = networks["public"]
    Network.objects.filter(pk=net.pk).update(timezone="America/New_York")
    soon = (timezone.now() + timedelta(days=10)).replace(hour=18, minute=0, second=0,
                                                         microsecond=0)
    meet_services.create_event(net, title="Street walk Oosterpoort", starts_at=soon,
                               ends_at=soon + timedelta(hours=2), mode="hybrid",
                               location="Buurthuis De Linde")
    meet_services.create_event(net, title="Kick-off long ago",
                               starts_at=timezone.now() - timedelta(days=30),
                               ends_at=timezone.now() - timedelta(days=30, hours=-2))
    html = body(client.get(net.get_absolute_url()))
    assert "Street walk Oosterpoort" in html
    assert "Buurthuis De Linde" in html
    assert "Hybrid" in html
    assert "Kick-off long ago" not in html
    local = soon.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert f'datetime="{local.isoformat()}"' in html
    assert "America/New_York" in html


def test_network_page_shows_latest_discussions_with_author_names(people, client):
    net = make_network(people["fac"], "allotments",
                       identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    services.join_network(net, people["member"], identity=Identity.PSEUDONYM,
                          pseudonym="Green Thumb")
    older = timezone.now() - timedelta(days=3)
    discuss_services.start_topic(net, people["fac"], title="Water rota", body="Who waters?",
                                 at=older)
    opening = discuss_services.start_topic(net, people["member"], title="Slugs again?", body="Help",
                                           is_question=True)
    discuss_services.reply(opening, people["fac"], "Beer traps.")
    discuss_services.start_topic(net, people["outsider"], title="Visiting from afar", body="Hello")
    html = body(client.get(net.get_absolute_url()))
    assert "Water rota" in html and "Slugs again?" in html
    assert html.index("Slugs again?") < html.index("Water rota")  # newest first
    assert "by Green Thumb" in html
    assert "by Fenna Facilitator" in html
    assert "by Otto Outsider" in html  # not a member: shown by name
    assert "Mo Member" not in html
    assert "1 reply" in html


# --- pseudonymity --------------------------------------------------------------------------

@pytest.fixture
def pseudonymous(people) -> Network:
    """A pseudonymous-only network where Marieke takes part as "Nachtuil"."""
    net = make_network(people["fac"], "lotgenoten", name="Lotgenoten Lente",
                       primary_type="circumstance",
                       identity_mode=IdentityMode.PSEUDONYMOUS_ONLY,
                       facilitator_pseudonym="Gids")
    services.join_network(net, people["member"], pseudonym="Stille Wilg")
    marieke = make_person("marieke", "Marieke van Dijk")
    services.join_network(net, marieke, pseudonym="Nachtuil")
    discussion = discuss_services.start_topic(net, marieke, title="Eerste keer hier",
                                              body="Hallo allemaal")
    discuss_services.reply(discussion, people["member"], "Welkom!")
    meet_services.create_event(net, title="Online avond", mode="online",
                               starts_at=timezone.now() + timedelta(days=2),
                               ends_at=timezone.now() + timedelta(days=2, hours=1), hosts=[marieke])
    return net


def _public_pages(net: Network) -> list[str]:
    return [
        reverse("home"),
        net.get_absolute_url(),
        reverse("login"),
        reverse("signup"),
        reverse("password_reset"),
    ]


@pytest.mark.parametrize("viewer", [None, "member", "fac", "staff", "outsider"])
def test_pseudonymous_member_is_only_ever_shown_by_pseudonym(people, pseudonymous, viewer):
    client = client_for(people.get(viewer))
    urls = _public_pages(pseudonymous)
    if viewer == "staff":
        urls += [reverse(f"admin:networks_{model}_changelist")
                 for model in ("membership", "discussion", "post", "event", "activity")]
    network_page = body(client.get(pseudonymous.get_absolute_url()))
    assert "Nachtuil" in network_page
    assert "by Nachtuil" in network_page
    for url in urls:
        response = client.get(url, follow=True)  # logged in: login/signup go home
        assert response.status_code == 200, url
        html = body(response)
        for secret in ("Marieke", "van Dijk", "marieke@example.org"):
            assert secret not in html, (url, secret)


def test_pseudonymous_member_sees_themself_as_you(people, pseudonymous):
    marieke = Person.objects.get(name="Marieke van Dijk")
    html = body(client_for(marieke).get(pseudonymous.get_absolute_url()))
    assert "Nachtuil (you)" in html
    assert "by Nachtuil (you)" in html
    assert "Stille Wilg" in html
    assert "Mo Member" not in html


# --- accounts ------------------------------------------------------------------------------

def test_sign_up_mails_a_link_that_creates_a_user_and_a_linked_person_and_logs_in(client):
    response = client.post(reverse("signup"), {
        "username": "anouk", "name": "Anouk de Vries", "email": "anouk@example.org",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("signup-sent")
    assert not User.objects.filter(username="anouk").exists()
    link = re.search(r"http\S+/accounts/signup/confirm/\S+/", mail.outbox[0].body)[0]
    response = client.post(link)
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="anouk")
    assert user.email == "anouk@example.org"
    assert user.check_password(PASSWORD)
    person = Person.objects.get(user=user)
    assert (person.name, person.email) == ("Anouk de Vries", "anouk@example.org")
    home = client.get(reverse("home"))
    assert home.wsgi_request.user == user
    assert "Log out" in body(home)


def test_sign_up_with_bad_input_shows_errors_and_creates_nothing(people, client):
    response = client.post(reverse("signup"), {
        "username": "anouk", "name": " ", "email": "member@example.org",
        "password1": PASSWORD, "password2": "something else",
    })
    assert response.status_code == 200
    html = body(response)
    assert "An account with this e-mail address already exists." not in html
    assert 'value="anouk"' in html  # what was typed is kept
    assert not User.objects.filter(username="anouk").exists()
    assert not Person.objects.filter(name="").exists()


def test_log_in_and_log_out(people, client):
    login_page = body(client.get(reverse("login")))
    assert 'name="username"' in login_page and 'name="password"' in login_page
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user.username == "member"
    # Logging out is a POST; a GET changes nothing.
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).wsgi_request.user.is_authenticated
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_log_in_with_a_wrong_password_fails(people, client):
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Please enter a correct" in body(response)


def test_password_reset_by_e_mail(people, client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "member@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "Check your e-mail" in body(client.get(response["Location"]))
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["member@example.org"]
    assert "netweave" in mail.subject
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.body).group(1)
    # The link redirects to a one-time URL that carries the token in the session.
    response = client.get(link)
    assert response.status_code == 302
    set_password_url = response["Location"]
    assert 'name="new_password1"' in body(client.get(set_password_url))
    new = "A-brand-new-passphrase-9"
    response = client.post(set_password_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert "Password changed" in body(client.get(response["Location"]))
    assert client.login(username="member", password=new)
    assert not client.login(username="member", password=PASSWORD)
    # The link works once.
    assert "This link no longer works" in body(client.get(link, follow=True))


def test_password_reset_for_an_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


# --- admin ---------------------------------------------------------------------------------

def _domain_admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == "networks"]


def test_every_domain_model_is_in_the_admin():
    from django.apps import apps

    registered = {model for model, _ in _domain_admins()}
    models = set(apps.get_app_config("networks").get_models())
    assert models == registered


def test_admin_changelists_and_forms_load_for_staff(people, pseudonymous):
    staff = client_for(people["staff"])
    assert staff.get(reverse("admin:index")).status_code == 200
    for model, model_admin in _domain_admins():
        name = f"admin:networks_{model._meta.model_name}"
        response = staff.get(reverse(f"{name}_changelist"))
        assert response.status_code == 200, model
        obj = model.objects.first()
        if obj is not None:
            assert staff.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, model
        request = response.wsgi_request
        if model_admin.has_add_permission(request):
            assert staff.get(reverse(f"{name}_add")).status_code == 200, model


def test_admin_search_and_filters_work(people, pseudonymous):
    staff = client_for(people["staff"])
    url = reverse("admin:networks_network_changelist")
    assert "Lotgenoten Lente" in body(staff.get(url, {"q": "lotgenoten"}))
    url = reverse("admin:networks_activity_changelist")
    assert staff.get(url, {"kind__exact": "join"}).status_code == 200


def test_activity_is_read_only_in_the_admin(people, pseudonymous):
    staff = client_for(people["staff"])
    row = Activity.objects.first()
    count = Activity.objects.count()
    assert staff.get(reverse("admin:networks_activity_add")).status_code == 403
    change_url = reverse("admin:networks_activity_change", args=[row.pk])
    page = body(staff.get(change_url))
    assert 'name="_save"' not in page  # read-only view, no save button
    assert staff.post(change_url, {"kind": "give", "channel": "online"}).status_code == 403
    delete_url = reverse("admin:networks_activity_delete", args=[row.pk])
    assert staff.get(delete_url).status_code == 403
    assert staff.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:networks_activity_changelist")
    response = staff.post(changelist, {"action": "delete_selected",
                                       "_selected_action": [row.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert Activity.objects.count() == count
    row.refresh_from_db()
    assert row.kind != "give"
    model_admin = admin.site._registry[Activity]
    request = staff.get(changelist).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)


def test_admin_does_not_add_objects_that_services_create(people):
    staff = client_for(people["staff"])
    for model in ("membership", "discussion", "post", "registration", "attendance"):
        assert staff.get(reverse(f"admin:networks_{model}_add")).status_code == 403, model


def test_admin_is_closed_to_non_staff(people):
    response = client_for(people["member"]).get(reverse("admin:networks_network_changelist"))
    assert response.status_code == 302
    # Being a facilitator gives no admin access either.
    response = client_for(people["fac"]).get(reverse("admin:networks_network_changelist"))
    assert response.status_code == 302
