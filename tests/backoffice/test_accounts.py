"""Staff sign in safely; sessions end when they should; admins manage accounts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry, Role, StaffUser
from shop.accounts.services import authenticate
from tests.backoffice.conftest import PASSWORD, form_token, sign_in

FAILED = "match an active staff account"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/staff")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/login?next=/admin/staff")


def test_sign_in_lands_on_the_dashboard_and_is_audited(client, make_staff, db):
    user = make_staff(Role.MARKETER)
    response = sign_in(client, user.email.upper())  # email case does not matter
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin")
    assert "signed in as marketer" in client.get("/admin").get_data(as_text=True)
    assert db.scalar(sa.select(AuditEntry.action)) == "staff.login"


@pytest.mark.parametrize("email", ["marketer@balmorex.example", "nobody@balmorex.example"])
def test_wrong_email_or_password_get_the_same_answer(client, make_staff, email):
    make_staff(Role.MARKETER)
    response = sign_in(client, email, password="wrong password entirely")
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_repeated_failed_logins_are_slowed_down(client, make_staff):
    user = make_staff(Role.ADMIN)
    statuses = [sign_in(client, user.email, "bad guess number x").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert sign_in(client, user.email).status_code == 429  # even the right password waits


def test_successful_logins_do_not_count_toward_the_limit(app, make_staff):
    user = make_staff(Role.ADMIN)
    for _ in range(7):
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 303


def test_passwords_are_stored_as_argon2_hashes(make_staff):
    user = make_staff(Role.OPERATOR)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_starts_a_new_session(client, make_staff):
    user = make_staff(Role.ADMIN)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_a_copied_session_cookie_is_dead_after_logout(app, make_staff):
    user = make_staff(Role.ADMIN)
    client = app.test_client()
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value
    token = form_token(client, "/admin")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/admin/staff")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:x", ""]
)
def test_next_only_leads_to_paths_on_this_site(client, make_staff, target):
    user = make_staff(Role.ADMIN)
    response = sign_in(client, user.email, next_=target)
    assert response.headers["Location"] == "/admin"


def test_next_returns_to_the_page_that_asked_for_login(client, make_staff):
    user = make_staff(Role.ADMIN)
    response = sign_in(client, user.email, next_="/admin/audit")
    assert response.headers["Location"] == "/admin/audit"


def test_disabled_staff_cannot_sign_in_and_lose_their_session(app, db, make_staff, login_as):
    admin = login_as(Role.ADMIN)
    victim = make_staff(Role.MARKETER, email="leaving@balmorex.example")
    victim_client = app.test_client()
    sign_in(victim_client, victim.email)
    token = form_token(admin, "/admin/staff")
    admin.post(f"/admin/staff/{victim.id}/active", data={"active": "0", "csrf_token": token})
    assert victim_client.get("/admin").status_code == 302
    assert sign_in(app.test_client(), victim.email).status_code == 401


def test_admin_adds_a_staff_member(login_as, db):
    admin = login_as(Role.ADMIN)
    token = form_token(admin, "/admin/staff")
    response = admin.post(
        "/admin/staff",
        data={
            "email": "New.Person@balmorex.example",
            "name": "New Person",
            "role": "operator",
            "password": "a long enough passphrase",
            "csrf_token": token,
            "active": "0",  # not a field of this form: ignored
            "session_version": "99",
        },
    )
    assert response.status_code == 303
    user = db.scalar(sa.select(StaffUser).where(StaffUser.email == "new.person@balmorex.example"))
    assert (user.role, user.active, user.session_version) == (Role.OPERATOR, True, 1)
    assert authenticate(db, "new.person@balmorex.example", "a long enough passphrase")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("admin@balmorex.example", "a long enough passphrase", "already exists"),
        ("not-an-email", "a long enough passphrase", "valid email"),
        ("short@balmorex.example", "short", "at least 12"),
    ],
)
def test_bad_staff_details_are_named(login_as, db, email, password, message):
    admin = login_as(Role.ADMIN)
    token = form_token(admin, "/admin/staff")
    response = admin.post(
        "/admin/staff",
        data={"email": email, "role": "marketer", "password": password, "csrf_token": token},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 1


def test_the_last_admin_cannot_be_demoted_or_disabled(login_as, db):
    admin = login_as(Role.ADMIN)
    me = db.scalar(sa.select(StaffUser))
    token = form_token(admin, "/admin/staff")
    admin.post(f"/admin/staff/{me.id}/role", data={"role": "marketer", "csrf_token": token})
    admin.post(f"/admin/staff/{me.id}/active", data={"active": "0", "csrf_token": token})
    db.expire_all()
    me = db.get(StaffUser, me.id)
    assert (me.role, me.active) == (Role.ADMIN, True)


def test_unknown_role_is_a_400(login_as, db):
    admin = login_as(Role.ADMIN)
    me = db.scalar(sa.select(StaffUser))
    token = form_token(admin, "/admin/staff")
    response = admin.post(f"/admin/staff/{me.id}/role", data={"role": "owner", "csrf_token": token})
    assert response.status_code == 400


def test_audit_log_shows_who_did_what(login_as):
    admin = login_as(Role.ADMIN)
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "staff.login" in html and "admin@balmorex.example" in html
    assert admin.get("/admin/audit?before=abc").status_code == 400


def test_cli_creates_lists_and_disables_staff(app, db, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("SHOP_USER_PASSWORD", "a long enough passphrase")
    result = runner.invoke(args=["users", "create", "Cli@Balmorex.example", "--role", "marketer"])
    assert result.exit_code == 0, result.output
    assert "cli@balmorex.example\tmarketer\tactive" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "disable", "cli@balmorex.example"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    dup = runner.invoke(args=["users", "create", "cli@balmorex.example", "--role", "admin"])
    assert dup.exit_code != 0 and "already exists" in dup.output


def test_first_admin_hint(app, make_staff):
    runner = app.test_cli_runner()
    assert "users create" in runner.invoke(args=["first-admin-hint"]).output
    make_staff(Role.ADMIN)
    assert runner.invoke(args=["first-admin-hint"]).output == ""
