"""Accounts, sessions, profiles, company access and the bootstrap accounts (engine only)."""
from datetime import datetime, timedelta, timezone

import pytest

from engine import accounts, companies, store
from engine.authz import AccessDenied, Actor, NotFound, has_permission


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setenv("JOBEXPRESSWAY_BCRYPT_ROUNDS", "4")
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)


def candidate(db, email="ann@example.com", **kw):
    fields = dict(name="Ann", email=email, password="Sunny-ledger-42", location="Berlin", skills="Python, SQL, python")
    fields.update(kw)
    return accounts.sign_up_candidate(db, **fields)


def company(db, email="hr@acme.com", name="Acme"):
    return accounts.sign_up_company(db, email=email, password="Sunny-ledger-42", company_name=name, industry="Software",
                                    location="Paris", website="acme.com")


def admin(db, email="root@site.com"):
    return Actor(accounts.create_user(db, email=email, password="Sunny-ledger-42", role="admin", name="Root"), "admin")


def count(db, table):
    return db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def row_of(db, table, row_id):
    return store.one(db, f"SELECT * FROM [{table}] WHERE id = ?", [row_id])


def outbox(db):
    return [(r["to_email"], r["kind"]) for r in db.query("SELECT * FROM outbox ORDER BY id")]


def test_candidate_sign_up_stores_a_hashed_password_and_clean_profile(db):
    ann = candidate(db, email="  Ann@Example.COM ")
    row = row_of(db, "users", ann.user_id)
    assert (ann.role, ann.email) == ("candidate", "ann@example.com")
    assert row["password_hash"].startswith("$2b$") and "Sunny-ledger-42" not in row["password_hash"]
    assert accounts.get_profile(db, ann)["skills"] == ["Python", "SQL"]


@pytest.mark.parametrize("changes, field, words", [
    ({"email": "not-an-email"}, "email", "not a valid email"),
    ({"email": ""}, "email", "required"),
    ({"password": "short1"}, "password", "at least 8"),
    ({"password": "lettersonly"}, "password", "letter and one digit"),
    ({"password": "12345678"}, "password", "letter and one digit"),
    ({"password": "a1" * 40}, "password", "at most 72"),
    ({"name": "  "}, "name", "Name is required"),
    ({"location": ""}, "location", "Location is required"),
])
def test_candidate_sign_up_validation(db, changes, field, words):
    with pytest.raises(accounts.ValidationError) as err:
        candidate(db, **changes)
    assert words in err.value.errors[field]
    assert count(db, "users") == 0


def test_duplicate_email_in_any_case_is_refused(db):
    candidate(db, email="ann@example.com")
    for email in ("ANN@example.com", "ann@EXAMPLE.com "):
        with pytest.raises(accounts.ValidationError, match="already exists"):
            candidate(db, email=email)
    with pytest.raises(accounts.ValidationError, match="already exists"):
        company(db, email="Ann@Example.com")
    assert count(db, "users") == 1 and count(db, "companies") == 0


def test_company_sign_up_creates_company_and_recruiter_together(db):
    hr = company(db)
    assert hr.role == "recruiter" and hr.company_id is not None
    row = row_of(db, "companies", hr.company_id)
    assert (row["name"], row["website"], row["access_status"]) == ("Acme", "https://acme.com", "none")


@pytest.mark.parametrize("website", ["not a url", "ftp://acme.com", "http://localhost", "https://"])
def test_company_sign_up_refuses_bad_website_and_leaves_nothing(db, website):
    with pytest.raises(accounts.ValidationError) as err:
        accounts.sign_up_company(db, email="hr@acme.com", password="Sunny-ledger-42", company_name="Acme",
                                 industry="Software", location="Paris", website=website)
    assert "website" in err.value.errors
    assert count(db, "companies") == 0 and count(db, "users") == 0


def test_company_sign_up_reports_every_missing_field(db):
    with pytest.raises(accounts.ValidationError) as err:
        accounts.sign_up_company(db, email="", password="", company_name="", industry="", location="")
    assert set(err.value.errors) == {"email", "password", "company_name", "industry", "location"}


def test_authenticate_right_and_wrong_give_one_message(db):
    ann = candidate(db)
    assert accounts.authenticate(db, "ANN@example.com", "Sunny-ledger-42") == ann
    with pytest.raises(AccessDenied) as wrong:
        accounts.authenticate(db, "ann@example.com", "Sunny-ledger-43")
    with pytest.raises(AccessDenied) as unknown:
        accounts.authenticate(db, "nobody@example.com", "Sunny-ledger-42")
    assert str(wrong.value) == str(unknown.value) == accounts.SIGN_IN_FAILED


def test_sessions_resolve_expire_and_end(db):
    ann = candidate(db)
    token = accounts.create_session(db, ann.user_id)
    assert accounts.actor_for_session(db, token) == ann
    assert count(db, "sessions") == 1 and token not in str(list(db.query("SELECT * FROM sessions")))  # only the hash is stored
    assert accounts.actor_for_session(db, token + "x") is None
    assert accounts.actor_for_session(db, "") is None and accounts.actor_for_session(db, None) is None
    accounts.end_session(db, token)
    assert accounts.actor_for_session(db, token) is None


def test_expired_session_is_refused_and_removed(db):
    ann = candidate(db)
    token = accounts.create_session(db, ann.user_id)
    past = (datetime.now(timezone.utc) - timedelta(seconds=1)).replace(microsecond=0).isoformat()
    db.execute("UPDATE sessions SET expires_at = ?", [past])
    assert accounts.actor_for_session(db, token) is None
    assert count(db, "sessions") == 0


def test_session_lasts_seven_days(db):
    ann = candidate(db)
    accounts.create_session(db, ann.user_id)
    row = store.one(db, "SELECT * FROM sessions")
    days = (datetime.fromisoformat(row["expires_at"]) - datetime.fromisoformat(row["created_at"])).days
    assert days == accounts.SESSION_DAYS == 7


def test_profile_update_changes_only_own_profile(db):
    ann, bob = candidate(db), candidate(db, email="bob@example.com", name="Bob")
    profile = accounts.update_profile(db, ann, {"skills": ["Spark", "spark", " Kafka "], "experience": "3 years",
                                                "preferred_category": "Data Engineering"})
    assert (profile["skills"], profile["experience"]) == (["Spark", "Kafka"], "3 years")
    assert accounts.get_profile(db, bob)["skills"] == ["Python", "SQL"]
    with pytest.raises(NotFound):
        accounts.get_profile(db, ann, bob.user_id)
    with pytest.raises(ValueError, match="cannot be changed"):
        accounts.update_profile(db, ann, {"role": "admin"})
    with pytest.raises(accounts.ValidationError, match="already exists"):
        accounts.update_profile(db, ann, {"email": "BOB@example.com"})
    assert accounts.get_profile(db, admin(db), ann.user_id)["name"] == "Ann"


def test_change_password_ends_other_sessions(db):
    ann = candidate(db)
    token = accounts.create_session(db, ann.user_id)
    with pytest.raises(accounts.ValidationError):
        accounts.change_password(db, ann, "wrong-one1", "newsecret9")
    accounts.change_password(db, ann, "Sunny-ledger-42", "newsecret9")
    assert accounts.actor_for_session(db, token) is None
    assert accounts.authenticate(db, "ann@example.com", "newsecret9") == ann


def test_access_request_reaches_admin_queue_and_outbox(db):
    root, hr = admin(db), company(db)
    companies.request_access(db, hr, "We hire data people")
    queue = companies.list_access_requests(db, root)
    assert [(r["company"], r["message"], r["status"]) for r in queue] == [("Acme", "We hire data people", "pending")]
    assert outbox(db) == [("root@site.com", "access_request")]
    assert count(db, "messages") == 1  # the admin's inbox
    assert row_of(db, "companies", hr.company_id)["access_status"] == "pending"
    with pytest.raises(ValueError, match="already has a pending"):
        companies.request_access(db, hr, "again")
    with pytest.raises(AccessDenied):
        companies.list_access_requests(db, hr)


def test_grant_deny_revoke_change_permissions_and_email_the_company(db):
    root, hr = admin(db), company(db)
    colleague = Actor(companies.add_recruiter(db, root, hr.company_id, "Col", "col@acme.com", "Sunny-ledger-42"),
                      "recruiter", hr.company_id)
    companies.request_access(db, hr)
    companies.deny_access(db, root, hr.company_id, "Tell us more")
    assert row_of(db, "companies", hr.company_id)["access_status"] == "denied"
    assert not has_permission(db, hr, "post_jobs")
    companies.request_access(db, hr, "More detail")
    companies.grant_access(db, root, hr.company_id, ["post_jobs", "view_applicants"])
    view = companies.company_permissions(db, colleague)
    assert (view["access_status"], view["permissions"]) == ("granted", ["post_jobs", "view_applicants"])
    assert [r["status"] for r in view["requests"]] == ["granted", "denied"]
    assert has_permission(db, hr, "post_jobs") and not has_permission(db, hr, "change_status")
    companies.revoke_access(db, root, hr.company_id, "Policy")
    assert companies.company_permissions(db, hr)["permissions"] == [] and not has_permission(db, hr, "post_jobs")
    kinds = [k for to, k in outbox(db) if to == "col@acme.com"]
    assert kinds == ["access_denied", "access_granted", "access_revoked"]
    assert db.execute("SELECT count(*) FROM messages WHERE user_id = ? AND kind = 'access'", [hr.user_id]).fetchone()[0] == 3


def test_grant_refuses_unknown_or_empty_permissions_and_non_admins(db):
    root, hr = admin(db), company(db)
    with pytest.raises(ValueError, match="Unknown permission"):
        companies.grant_access(db, root, hr.company_id, ["fly"])
    with pytest.raises(ValueError, match="at least one"):
        companies.grant_access(db, root, hr.company_id, [])
    with pytest.raises(AccessDenied):
        companies.grant_access(db, hr, hr.company_id, ["post_jobs"])
    with pytest.raises(NotFound):
        companies.grant_access(db, root, 999, ["post_jobs"])


def test_recruiter_of_one_company_cannot_act_for_another(db):
    a, b = company(db), company(db, email="hr@beta.com", name="Beta")
    companies.grant_access(db, admin(db), a.company_id, ["post_jobs"], notify=False)
    with pytest.raises(NotFound):
        companies.add_recruiter(db, a, b.company_id, "Mole", "mole@acme.com", "Sunny-ledger-42")
    with pytest.raises(NotFound):
        companies.company_permissions(db, a, b.company_id)
    with pytest.raises(NotFound):
        companies.update_company(db, a, {"name": "Hacked"}, b.company_id)
    with pytest.raises(AccessDenied):
        companies.add_recruiter(db, candidate(db), a.company_id, "X", "x@acme.com", "Sunny-ledger-42")
    assert row_of(db, "companies", b.company_id)["name"] == "Beta"
    assert companies.update_company(db, a, {"website": "www.acme.org"})["website"] == "https://www.acme.org"


def test_bootstrap_creates_admin_and_demo_accounts_once(db):
    messages = accounts.ensure_bootstrap_accounts(db, demo=True)
    generated = next(m for m in messages if m.startswith("Admin account created"))
    password = generated.split(" / ")[1].split()[0]
    assert accounts.authenticate(db, accounts.GENERATED_ADMIN_EMAIL, password).role == "admin"
    assert password not in str(list(db.query("SELECT * FROM users")))  # printed once, stored only as a hash
    for email, pw in (accounts.DEMO_CANDIDATE, accounts.DEMO_RECRUITER, accounts.DEMO_ADMIN):
        accounts.authenticate(db, email, pw)
    recruiter = accounts.authenticate(db, *accounts.DEMO_RECRUITER)
    assert companies.company_permissions(db, recruiter)["permissions"] == sorted(companies.PERMISSIONS)
    assert "Spark" in " ".join(accounts.get_profile(db, accounts.authenticate(db, *accounts.DEMO_CANDIDATE))["skills"])
    counts = (count(db, "users"), count(db, "companies"))
    assert accounts.ensure_bootstrap_accounts(db, demo=True) == []
    assert (count(db, "users"), count(db, "companies")) == counts == (4, 1)


def test_bootstrap_admin_from_environment(db, monkeypatch):
    monkeypatch.setenv("ADMIN_EMAIL", "Boss@Corp.com")
    monkeypatch.setenv("ADMIN_PASSWORD", "bosspass99")
    messages = accounts.ensure_bootstrap_accounts(db, demo=False)
    assert messages == ["Admin account created from ADMIN_EMAIL: boss@corp.com"]
    assert accounts.authenticate(db, "boss@corp.com", "bosspass99").role == "admin"
    assert accounts.ensure_bootstrap_accounts(db, demo=False) == [] and count(db, "users") == 1


def test_external_identity_signs_in_existing_or_creates_passwordless_candidate(db):
    ann = candidate(db)
    assert accounts.actor_for_external_identity(db, "ANN@example.com", "Ann G") == ann
    new = accounts.actor_for_external_identity(db, "gina@gmail.com", "Gina")
    assert new.role == "candidate" and accounts.get_profile(db, new)["google_only"]
    with pytest.raises(AccessDenied):
        accounts.authenticate(db, "gina@gmail.com", "")


def test_company_api_is_reachable_from_accounts():
    assert accounts.grant_access is companies.grant_access
    with pytest.raises(AttributeError):
        accounts.no_such_thing  # noqa: B018


def test_cli_bootstrap_and_set_password(data_dir, monkeypatch, capsys):
    from engine import store
    from engine.cli import main

    assert main(["bootstrap-accounts", "--no-demo", "--data-dir", str(data_dir)]) == 0
    assert "admin@jobexpressway.local / " in capsys.readouterr().out
    assert main(["bootstrap-accounts", "--no-demo", "--data-dir", str(data_dir)]) == 0
    assert "already exist" in capsys.readouterr().out
    monkeypatch.setenv("NEW_PW", "fresh-pass-1")
    assert main(["set-password", "ADMIN@jobexpressway.local", "--password-env", "NEW_PW", "--data-dir", str(data_dir)]) == 0
    assert accounts.authenticate(store.connect(data_dir), "admin@jobexpressway.local", "fresh-pass-1").role == "admin"
    monkeypatch.setenv("NEW_PW", "weak")
    assert main(["set-password", "admin@jobexpressway.local", "--password-env", "NEW_PW", "--data-dir", str(data_dir)]) == 2
    assert "at least 8" in capsys.readouterr().err
