"""Trust, security: content security policy, login rate limiting, password rules, API
tokens with scopes, upload limits, the audit log and production settings."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netweave.networks import services as network_services
from netweave.networks.models import Person, Role, Visibility
from netweave.trust import audit, services
from netweave.trust.models import ApiToken, AuditEntry, Scope
from netweave.trust.uploads import UploadRejected, check_upload

pytestmark = pytest.mark.django_db

PASSWORD = "Weave-the-net-2026"
User = get_user_model()


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "trust-tests"}}
    cache.clear()
    yield
    cache.clear()


def make_person(username: str, name: str, *, staff: bool = False) -> Person:
    email = f"{username}@example.org"
    make = User.objects.create_superuser if staff else User.objects.create_user
    user = make(username, email=email, password=PASSWORD)
    return Person.objects.create(user=user, name=name, email=email)


@pytest.fixture
def people() -> dict[str, Person]:
    return {"fac": make_person("fac", "Fenna Facilitator"),
            "member": make_person("member", "Mo Member"),
            "staff": make_person("staff", "Stella Staff", staff=True)}


@pytest.fixture
def network(people):
    net = network_services.create_network(
        facilitator=people["fac"], slug="closed-circle", name="Closed Circle",
        purpose="Peer support.", primary_type="practice", visibility=Visibility.CLOSED)
    network_services.join_network(net, people["member"], role=Role.MEMBER)
    return net


# --- content security policy -------------------------------------------------------------

def test_every_page_has_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline scripts, no eval
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["style-src"]
    assert client.get(reverse("login"))["Content-Security-Policy"] == policy


def test_the_report_page_alone_gets_the_relaxed_policy(client, people, network):
    client.force_login(people["member"].user)
    response = client.get(reverse("network-report", args=[network.slug]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy
    detail = client.get(reverse("network-detail", args=[network.slug]))
    assert "unsafe-inline" not in detail["Content-Security-Policy"].split("style-src-attr")[0]


def test_our_pages_have_no_inline_scripts(client, people):
    client.force_login(people["staff"].user)
    for name in ("trust-tokens", "trust-audit", "trust-privacy", "home", "login"):
        html = client.get(reverse(name)).content.decode()
        scripts = [chunk for chunk in html.split("<script")[1:] if "src=" not in chunk[:200]]
        assert scripts == [], name


# --- login rate limiting and password rules ------------------------------------------------

def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def test_failed_logins_lock_the_user_name_with_a_clear_message(client, people, settings):
    settings.NETWEAVE_LOGIN_LIMIT_USERNAME = 3
    for _ in range(3):
        assert _login(client, "member", "wrong-password").status_code == 200
    locked = _login(client, "member", PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    assert _login(Client(), "fac", PASSWORD, ip="10.0.0.2").status_code == 302


def test_failed_logins_from_one_address_lock_that_address(people, settings):
    settings.NETWEAVE_LOGIN_LIMIT_IP = 4
    for number in range(4):
        _login(Client(), f"nobody{number}", "wrong-password", ip="10.9.9.9")
    assert _login(Client(), "fac", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _login(Client(), "fac", PASSWORD, ip="10.9.9.8").status_code == 302


def test_the_address_behind_a_proxy_is_the_forwarded_one(people, settings):
    settings.NETWEAVE_LOGIN_LIMIT_IP = 2
    settings.NETWEAVE_PROXY_COUNT = 1
    for _ in range(2):
        Client().post(reverse("login"), {"username": "x", "password": "y"},
                      REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.7")
    blocked = Client().post(reverse("login"), {"username": "fac", "password": PASSWORD},
                            REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = Client().post(reverse("login"), {"username": "fac", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert (blocked.status_code, other.status_code) == (429, 302)


def test_a_successful_login_clears_the_user_names_failures(client, people, settings):
    settings.NETWEAVE_LOGIN_LIMIT_USERNAME = 3
    _login(client, "member", "wrong-password")
    _login(client, "member", "wrong-password")
    assert _login(client, "member", PASSWORD).status_code == 302
    client.logout()
    _login(client, "member", "wrong-password")
    _login(client, "member", "wrong-password")
    assert _login(client, "member", PASSWORD).status_code == 302


def test_the_admin_login_is_limited_too(people, settings):
    settings.NETWEAVE_LOGIN_LIMIT_USERNAME = 2
    for _ in range(2):
        Client().post(reverse("admin:login"), {"username": "staff", "password": "nope"})
    response = Client().post(reverse("admin:login"), {"username": "staff", "password": PASSWORD})
    assert response.status_code == 429


def test_passwords_need_ten_characters_and_no_common_words(people):
    user = people["member"].user
    with pytest.raises(ValidationError, match="at least 10 characters"):
        validate_password("Xq7!zr9#", user)
    with pytest.raises(ValidationError):
        validate_password("password123", user)
    validate_password("Weave-the-net-2026", user)


# --- API tokens ----------------------------------------------------------------------------

def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_is_stored_hashed_and_shown_once(client, people):
    client.force_login(people["member"].user)
    response = client.post(reverse("trust-tokens"), {"name": "export", "scope": "read"})
    row = ApiToken.objects.get(owner=people["member"].user)
    token = response.context["created"]
    assert token in response.content.decode()
    assert token not in row.token_hash and row.token_hash == services.hash_token(token)
    assert token not in client.get(reverse("trust-tokens")).content.decode()


def test_token_scopes_decide_what_a_client_may_do(people, network):
    client = Client()
    _row, read = services.create_token(people["fac"].user, "reader", Scope.READ)
    _row, facilitate = services.create_token(people["fac"].user, "fac", Scope.FACILITATE)
    _row, write = services.create_token(people["fac"].user, "writer", Scope.WRITE)
    me = client.get("/api/trust/whoami", **_bearer(read))
    assert me.status_code == 200
    assert me.json() == {"username": "fac", "token": True, "scopes": ["read"]}
    audit_url = f"/api/trust/networks/{network.slug}/audit"
    refused = client.get(audit_url, **_bearer(read))
    assert refused.status_code == 403 and "facilitate" in refused.json()["detail"]
    assert client.get(audit_url, **_bearer(write)).status_code == 403
    assert client.get(audit_url, **_bearer(facilitate)).status_code == 200
    # A member's facilitate-scoped token does not make them a facilitator.
    from netweave.networks.permissions import token_allows

    assert token_allows(people["fac"].user, Scope.FACILITATE)  # a session: not scoped
    _row, member_token = services.create_token(people["member"].user, "m", Scope.FACILITATE)
    assert client.get(audit_url, **_bearer(member_token)).status_code == 403


def test_a_write_request_needs_the_write_scope(people):
    client = Client(enforce_csrf_checks=True)  # a bearer token needs no CSRF token
    target, _token = services.create_token(people["fac"].user, "old", Scope.READ)
    _row, read = services.create_token(people["fac"].user, "reader", Scope.READ)
    _row, write = services.create_token(people["fac"].user, "writer", Scope.WRITE)
    url = f"/api/trust/tokens/{target.pk}/revoke"
    refused = client.post(url, **_bearer(read))
    assert refused.status_code == 403 and "write" in refused.json()["detail"]
    target.refresh_from_db()
    assert target.revoked_at is None
    allowed = client.post(url, **_bearer(write))
    assert allowed.status_code == 200 and allowed.json()["revoked_at"]


def test_revoked_and_unknown_tokens_are_refused(client, people):
    row, token = services.create_token(people["member"].user, "old", Scope.READ)
    assert client.get("/api/trust/tokens", **_bearer(token)).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    client.force_login(people["member"].user)
    response = client.post(reverse("trust-token-revoke", args=[row.pk]))
    assert response.status_code == 302
    anonymous = Client()
    assert anonymous.get("/api/trust/tokens", **_bearer(token)).status_code == 401
    assert anonymous.get("/api/trust/tokens", **_bearer("nwt_made-up")).status_code == 401
    assert anonymous.get("/api/trust/tokens").status_code == 401
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["trust.token.create", "trust.token.revoke"]


def test_one_cannot_revoke_anothers_token(client, people):
    row, _token = services.create_token(people["fac"].user, "theirs", Scope.READ)
    client.force_login(people["member"].user)
    assert client.post(reverse("trust-token-revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


# --- uploads -------------------------------------------------------------------------------

def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def _refusal(file, types: list[str], **kwargs) -> str:
    with pytest.raises(UploadRejected) as caught:
        check_upload(file, types, **kwargs)
    return caught.value.messages[0].replace("\xa0", " ")


def test_uploads_are_checked_by_size_name_and_content():
    csv = SimpleUploadedFile("people.csv", b"naam,e-mail\nAnouk,a@example.org\n")
    assert check_upload(csv, ["csv", "xlsx"], max_bytes=1000) == "csv"
    assert csv.tell() == 0
    assert check_upload(SimpleUploadedFile("list.xlsx", _xlsx_bytes()), ["csv", "xlsx"]) == "xlsx"
    assert _refusal(SimpleUploadedFile("big.csv", b"a" * 2048), ["csv"], max_bytes=1000) == (
        "big.csv is 2.0 KB; files up to 1000 bytes are accepted.")
    assert _refusal(SimpleUploadedFile("run.exe", b"MZ"), ["csv", "xlsx"]) == (
        "run.exe is not an accepted type; expected a file ending in .csv, .tsv, .txt, .xlsx.")
    assert "does not contain what its name says (.xlsx)" in _refusal(
        SimpleUploadedFile("fake.xlsx", b"name,email\n"), ["xlsx"])
    assert "does not contain" in _refusal(
        SimpleUploadedFile("bin.csv", b"\x00\x01\x02binary"), ["csv"])
    assert _refusal(SimpleUploadedFile("empty.csv", b""), ["csv"]) == "empty.csv is empty."


def test_upload_limits_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.NETWEAVE_UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    settings.NETWEAVE_UPLOAD_MAX_BYTES = 10
    assert "files up to 10 bytes" in _refusal(SimpleUploadedFile("a.csv", b"x" * 11), ["csv"])


def test_a_request_body_above_the_limit_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 400


# --- audit log -----------------------------------------------------------------------------

def test_record_writes_who_what_where_and_keeps_labels(people, network):
    entry = audit.record(people["fac"].user, "meet.event.cancel", network=network,
                         target=people["member"], details={"reason": "storm"})
    assert (entry.actor_label, entry.network_label, entry.target_type, entry.target_label) == (
        "fac", "Closed Circle", "networks.person", "Mo Member")
    people["fac"].user.delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.actor_label == "fac"
    assert entry.details == {"reason": "storm"}


def test_admin_actions_are_audited(people, rf):
    from django.contrib import admin

    request = rf.post("/admin/")
    request.user = people["staff"].user
    person_admin = admin.site._registry[Person]
    person_admin.log_change(request, people["member"], [{"changed": {"fields": ["name"]}}])
    person_admin.log_deletions(request, Person.objects.filter(pk=people["fac"].pk))
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 1
    change = AuditEntry.objects.get(action="admin.change")
    assert (change.actor_label, change.target_type, change.target_id, change.target_label) == (
        "staff", "networks.person", str(people["member"].pk), "Mo Member")
    assert change.details == {"change": "Changed name."}
    assert AuditEntry.objects.get(action="admin.delete").target_label == "Fenna Facilitator"
    # "Delete selected" logs in bulk (no post_save): still audited, one entry per object.
    person_admin.log_deletions(request, Person.objects.filter(pk=people["member"].pk))
    assert AuditEntry.objects.filter(action="admin.delete").count() == 2


def test_a_pseudonymous_target_is_logged_by_pseudonym(people, network):
    pseudonymous = make_person("hidden", "Hanna Echtnaam")
    network.identity_mode = "pseudonyms_allowed"
    network.save()
    network_services.join_network(network, pseudonymous, identity="pseudonym",
                                  pseudonym="Zilvervos")
    entry = audit.record(people["fac"].user, "meet.checkin", network=network,
                         target=pseudonymous)
    assert entry.target_label == "Zilvervos"
    assert audit.record(None, "x", target=pseudonymous).target_label == (
        f"person {pseudonymous.pk}")


def test_only_staff_see_the_audit_page(client, people, network):
    audit.record(people["fac"].user, "charters.charter.edit", network=network, target=network)
    client.force_login(people["fac"].user)
    assert client.get(reverse("trust-audit")).status_code == 302  # to the admin login
    client.force_login(people["staff"].user)
    page = client.get(reverse("trust-audit"), {"action": "charters."}).content.decode()
    assert "charters.charter.edit" in page and "Closed Circle" in page
    empty = client.get(reverse("trust-audit"), {"actor": "nobody"}).content.decode()
    assert "charters.charter.edit" not in empty


def test_facilitators_read_their_networks_audit_log_over_the_api(client, people, network):
    audit.record(people["fac"].user, "charters.charter.edit", network=network, target=network)
    client.force_login(people["fac"].user)
    rows = client.get(f"/api/trust/networks/{network.slug}/audit").json()
    assert [row["action"] for row in rows] == ["charters.charter.edit"]
    client.force_login(people["member"].user)
    assert client.get(f"/api/trust/networks/{network.slug}/audit").status_code == 403


# --- production settings -------------------------------------------------------------------

def _settings_in(env: dict) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({k: getattr(s, k) for k in ['SESSION_COOKIE_SECURE', "
            "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
            "'SECURE_PROXY_SSL_HEADER']}))")
    run_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "netweave.site.settings", **env}
    out = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_mode_turns_on_https_only_cookies_hsts_and_redirect():
    plain = _settings_in({"NETWEAVE_PRODUCTION": "0"})
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    prod = _settings_in({"NETWEAVE_PRODUCTION": "1", "NETWEAVE_PROXY_COUNT": "1"})
    assert prod == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                    "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
                    "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_a_token_users_scopes_travel_with_the_user(people, rf):
    from netweave.networks.permissions import token_allows
    from netweave.trust.auth import TokenAuth

    _row, read = services.create_token(people["fac"].user, "reader", Scope.READ)
    user = TokenAuth().authenticate(rf.get("/api/"), read)
    assert token_allows(user, Scope.READ) and not token_allows(user, Scope.FACILITATE)
    assert not token_allows(user, Scope.WRITE)
