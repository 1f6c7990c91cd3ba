"""Sign-in throttling, common passwords, demo accounts only on request, verified emails (issue #15)."""
import threading
from datetime import datetime, timedelta, timezone

import pytest

from engine import accounts, email_confirmation, sign_in_sessions, sign_in_throttle, store
from engine.authz import AccessDenied
from engine.sign_in_throttle import FREE_ATTEMPTS, TooManyAttempts

PASSWORD = "Sunny-ledger-42"
ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


@pytest.fixture(autouse=True)
def no_admin_env(monkeypatch):
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)


def candidate(db, email="ann@example.com", password=PASSWORD):
    return accounts.sign_up_candidate(db, name="Ann", email=email, password=password, location="Berlin")


def outbox(db, kind):
    return [(r["to_email"], r["body"]) for r in db.query("SELECT * FROM outbox WHERE kind = ? ORDER BY id", [kind])]


def link_token(body: str) -> str:
    return body.split(f"{email_confirmation.EMAIL_LINK_PARAM}=")[1].split()[0]


# --- throttle ------------------------------------------------------------------------------------------
def test_parallel_wrong_guesses_are_checked_at_most_the_free_attempts(db, data_dir, monkeypatch):
    monkeypatch.setenv("JOBEXPRESSWAY_BCRYPT_ROUNDS", "8")  # a slower check widens any race
    candidate(db)
    checks, real_check = [], accounts.check_password
    monkeypatch.setattr(accounts, "check_password", lambda *a: checks.append(1) or real_check(*a))
    outcomes, start = [], threading.Barrier(20)

    def guess(i):
        conn = store.connect(data_dir)  # its own connection, as each server thread has
        start.wait(timeout=30)
        try:
            accounts.authenticate(conn, "ann@example.com", f"guess-{i}-x", client=ATTACKER)
        except AccessDenied as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 20, "a guessing thread did not finish within 60 s"
    assert len(checks) == FREE_ATTEMPTS["pair"] == outcomes.count("AccessDenied")
    assert outcomes.count("TooManyAttempts") == 20 - FREE_ATTEMPTS["pair"]


def test_owner_signs_in_from_another_client_during_an_attack(db):
    ann = candidate(db)
    for i in range(30):
        with pytest.raises(AccessDenied):
            accounts.authenticate(db, "ann@example.com", f"guess-{i}-x", client=ATTACKER)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(db, "ann@example.com", PASSWORD, client=ATTACKER)  # the attacker waits, even if right
    assert accounts.authenticate(db, "ann@example.com", PASSWORD, client=OWNER) == ann


def test_delays_grow_for_one_client_and_one_account(db):
    t0 = 1_000_000.0
    for i in range(FREE_ATTEMPTS["pair"]):
        sign_in_throttle.begin_attempt(db, "ann@example.com", ATTACKER, now=t0 + i * 0.01)
    waits = []
    t = t0
    for _ in range(5):
        with pytest.raises(TooManyAttempts) as refused:
            sign_in_throttle.begin_attempt(db, "ann@example.com", ATTACKER, now=t)
        waits.append(round(refused.value.wait_seconds))
        t += refused.value.wait_seconds + 0.01
        sign_in_throttle.begin_attempt(db, "ann@example.com", ATTACKER, now=t)
    assert waits == [1, 2, 4, 8, 16]
    assert "Try again in 16 seconds" in str(refused.value)
    assert sign_in_throttle.delay_after("pair", 40) == sign_in_throttle.MAX_DELAY  # growth stops at 15 minutes
    sign_in_throttle.begin_attempt(db, "ann@example.com", ATTACKER, now=t + sign_in_throttle.FORGET_AFTER + 1)


def test_spraying_many_accounts_from_one_client_is_slowed(db):
    for i in range(FREE_ATTEMPTS["client"]):
        with pytest.raises(AccessDenied, match="not correct"):
            accounts.authenticate(db, f"user{i}@example.com", "Spring2024x", client=ATTACKER)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(db, "someone-else@example.com", "Spring2024x", client=ATTACKER)
    with pytest.raises(AccessDenied, match="not correct"):  # another client is not held up
        accounts.authenticate(db, "someone-else@example.com", "Spring2024x", client=OWNER)


def test_many_clients_on_one_account_slow_strangers_but_not_the_owners_known_client(db):
    ann = candidate(db)
    assert accounts.authenticate(db, "ann@example.com", PASSWORD, client=OWNER) == ann  # a known client now
    for i in range(FREE_ATTEMPTS["account"]):
        with pytest.raises(AccessDenied, match="not correct"):
            accounts.authenticate(db, "ann@example.com", "guess-x1", client=f"10.0.0.{i}")
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(db, "ann@example.com", PASSWORD, client="10.0.1.1")
    assert accounts.authenticate(db, "ann@example.com", PASSWORD, client=OWNER) == ann


def test_unknown_emails_are_throttled_like_real_ones(db):
    candidate(db)
    for email in ("ann@example.com", "ghost@example.com"):
        for _ in range(FREE_ATTEMPTS["pair"]):
            with pytest.raises(AccessDenied, match="not correct"):
                accounts.authenticate(db, email, "guess-x1", client=email)
        with pytest.raises(TooManyAttempts):
            accounts.authenticate(db, email, "guess-x1", client=email)


def test_current_password_on_a_password_change_is_throttled_too(db):
    ann = candidate(db)
    for i in range(FREE_ATTEMPTS["pair"]):
        with pytest.raises(accounts.ValidationError, match="current password is not correct"):
            accounts.change_password(db, ann, f"guess-{i}-x", "Brand-new-pass-9")
    with pytest.raises(TooManyAttempts):
        accounts.change_password(db, ann, PASSWORD, "Brand-new-pass-9")
    assert accounts.authenticate(db, "ann@example.com", PASSWORD, client=OWNER) == ann


@pytest.mark.parametrize("peer, forwarded, hops, client", [
    ("198.51.100.7", None, 0, "198.51.100.7"),
    ("198.51.100.7", "1.2.3.4", 0, "198.51.100.7"),                      # no proxy trusted: the header is ignored
    ("10.0.0.2", "203.0.113.9", 1, "203.0.113.9"),                       # one proxy: its entry
    ("10.0.0.2", "6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),              # a forged entry left of it changes nothing
    ("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", 2, "203.0.113.9"),    # two proxies
    ("10.0.0.2", "", 1, "10.0.0.2"),                                     # header missing: the peer
    (None, None, 0, "localhost"),
    ("x" * 500, None, 0, "x" * 64),
])
def test_client_address_trusts_only_the_proxies_it_is_told_of(peer, forwarded, hops, client):
    assert sign_in_throttle.client_address(peer, forwarded, hops) == client


# --- common passwords ----------------------------------------------------------------------------------
@pytest.mark.parametrize("password", ["password1", "Passw0rd", "Password1!", "qwerty123", "iloveyou1", "ABC12345"])
def test_common_passwords_are_refused_everywhere(db, password):
    with pytest.raises(accounts.ValidationError, match="most common"):
        candidate(db, password=password)
    with pytest.raises(accounts.ValidationError, match="most common"):
        accounts.sign_up_company(db, email="hr@acme.com", password=password, company_name="Acme",
                                 industry="Software", location="Paris")
    ann = candidate(db)
    with pytest.raises(accounts.ValidationError, match="most common"):
        accounts.change_password(db, ann, PASSWORD, password)
    with pytest.raises(accounts.ValidationError, match="most common"):
        accounts.operator_set_password(db, "ann@example.com", password)
    assert accounts.authenticate(db, "ann@example.com", PASSWORD) == ann


# --- demo accounts -------------------------------------------------------------------------------------
def demo_emails(db):
    return {r["email"] for r in db.query("SELECT email FROM users WHERE email LIKE '%@demo.jobexpressway.local'")}


def test_fresh_init_has_no_demo_accounts(data_dir, monkeypatch, capsys):
    from engine.cli import main

    monkeypatch.delenv("JOBEXPRESSWAY_DEMO_ACCOUNTS", raising=False)
    assert main(["init", "--jobs", "30", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    db = store.connect(data_dir)
    assert demo_emails(db) == set() and "Demo" not in out
    assert [r["email"] for r in db.query("SELECT email FROM users")] == [accounts.GENERATED_ADMIN_EMAIL]
    assert main(["bootstrap-accounts", "--data-dir", str(data_dir)]) == 0 and demo_emails(db) == set()


def test_demo_accounts_only_on_request_and_warned_about_later(db, monkeypatch):
    monkeypatch.setenv("JOBEXPRESSWAY_DEMO_ACCOUNTS", "1")
    accounts.ensure_bootstrap_accounts(db)
    assert len(demo_emails(db)) == 3
    accounts.authenticate(db, *accounts.DEMO_ADMIN)
    monkeypatch.delenv("JOBEXPRESSWAY_DEMO_ACCOUNTS")
    messages = accounts.ensure_bootstrap_accounts(db)
    assert len(messages) == 1 and "published passwords" in messages[0] and "Never serve it publicly" in messages[0]


@pytest.mark.parametrize("env", [{"SPACE_ID": "someone/jobexpressway"}, {"PUBLIC_BASE_URL": "https://jobs.example.org"}])
def test_a_public_deployment_locks_leftover_demo_accounts_and_makes_none(db, monkeypatch, env):
    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    accounts.ensure_bootstrap_accounts(db, demo=True)  # an earlier `make demo` on this data directory
    session = accounts.create_session(db, accounts.authenticate(db, *accounts.DEMO_ADMIN).user_id)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("JOBEXPRESSWAY_DEMO_ACCOUNTS", "1")  # even when asked for
    messages = accounts.ensure_bootstrap_accounts(db)
    assert "were locked" in messages[-1]
    for email, password in (accounts.DEMO_CANDIDATE, accounts.DEMO_RECRUITER, accounts.DEMO_ADMIN):
        with pytest.raises(AccessDenied):
            accounts.authenticate(db, email, password, client=email)
    assert accounts.actor_for_session(db, session) is None
    assert accounts.ensure_bootstrap_accounts(db) == []  # locked once, quiet afterwards


# --- verified email ------------------------------------------------------------------------------------
def test_unverified_account_is_not_merged_with_a_google_identity(db):
    squatter = candidate(db, email="victim@gmail.com")  # someone else signed up with the victim's address
    token = accounts.create_session(db, squatter.user_id)
    owner = accounts.actor_for_external_identity(db, "victim@gmail.com", "Victim")
    assert owner.user_id == squatter.user_id
    with pytest.raises(AccessDenied):
        accounts.authenticate(db, "victim@gmail.com", PASSWORD)  # the squatter's password is gone
    assert accounts.actor_for_session(db, token) is None         # and so is the squatter's session
    assert accounts.get_profile(db, owner)["google_only"]


def test_verified_account_keeps_its_password_when_google_signs_in(db):
    ann = candidate(db, email="ann@gmail.com")
    email_confirmation.request_email_confirmation(db, ann, "ann@gmail.com")
    email_confirmation.confirm_email(db, link_token(outbox(db, "email_confirmation")[0][1]))
    assert accounts.actor_for_external_identity(db, "ann@gmail.com", "Ann") == ann
    assert accounts.authenticate(db, "ann@gmail.com", PASSWORD) == ann


def test_email_change_takes_effect_only_through_the_emailed_link(db):
    ann = candidate(db)
    profile = accounts.update_profile(db, ann, {"email": "Ann.New@Example.org", "name": "Ann B"})
    assert (profile["email"], profile["name"]) == ("ann@example.com", "Ann B")
    assert profile["pending_email"] == "ann.new@example.org"
    [(to, body)] = outbox(db, "email_confirmation")
    assert to == "ann.new@example.org" and "/profile?confirm_email=" in body
    with pytest.raises(AccessDenied):
        accounts.authenticate(db, "ann.new@example.org", PASSWORD)
    confirmed = email_confirmation.confirm_email(db, link_token(body))
    assert confirmed.email == "ann.new@example.org"
    assert accounts.get_profile(db, confirmed)["email_verified_at"]
    assert outbox(db, "email_changed")[0][0] == "ann@example.com"  # the old address is told
    with pytest.raises(accounts.ValidationError, match="not valid or has expired"):
        email_confirmation.confirm_email(db, link_token(body))  # single use


@pytest.mark.parametrize("token", ["", "x" * 5000, "nonsense", "' OR 1=1 --", None])
def test_forged_email_links_are_refused(db, token):
    ann = candidate(db)
    email_confirmation.request_email_confirmation(db, ann, "new@example.org")
    with pytest.raises(accounts.ValidationError, match="not valid"):
        email_confirmation.confirm_email(db, token)
    assert accounts.get_profile(db, ann)["email"] == "ann@example.com"


def test_expired_or_taken_email_links_are_refused(db):
    ann = candidate(db)
    email_confirmation.request_email_confirmation(db, ann, "new@example.org")
    token = link_token(outbox(db, "email_confirmation")[0][1])
    candidate(db, email="new@example.org")  # someone took the address meanwhile
    with pytest.raises(accounts.ValidationError, match="already exists"):
        email_confirmation.confirm_email(db, token)
    db.execute("UPDATE email_confirmations SET expires_at = '2000-01-01T00:00:00+00:00'")
    with pytest.raises(accounts.ValidationError, match="expired"):
        email_confirmation.confirm_email(db, token)
    with pytest.raises(accounts.ValidationError, match="less than a minute ago"):
        email_confirmation.request_email_confirmation(db, ann, "other@example.org")  # no mail bombing through us


# --- sessions ------------------------------------------------------------------------------------------
def _ago(**delta) -> str:
    return (datetime.now(timezone.utc) - timedelta(**delta)).replace(microsecond=0).isoformat()


def test_idle_session_ends(db):
    ann = candidate(db)
    token = accounts.create_session(db, ann.user_id)
    db.execute("UPDATE sessions SET last_seen_at = ?", [_ago(days=2, seconds=1)])
    assert accounts.actor_for_session(db, token) is None
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_an_old_cookie_is_rotated_and_the_old_token_soon_stops_working(db):
    ann = candidate(db)
    token = accounts.create_session(db, ann.user_id)
    assert sign_in_sessions.resume_session(db, token).new_token is None  # fresh: kept
    db.execute("UPDATE sessions SET rotated_at = ?", [_ago(hours=1, seconds=1)])
    resumed = sign_in_sessions.resume_session(db, token)
    assert resumed.actor == ann and resumed.new_token and resumed.new_token != token
    assert sign_in_sessions.resume_session(db, token).new_token is None  # a tab loading meanwhile still gets in
    db.execute("UPDATE sessions SET previous_until = ?", [_ago(seconds=1)])
    assert accounts.actor_for_session(db, token) is None
    assert accounts.actor_for_session(db, resumed.new_token) == ann
    assert sign_in_sessions.actor_for_session_id(db, resumed.id) == ann


def test_sign_out_everywhere_ends_every_session(db):
    ann, bob = candidate(db), candidate(db, email="bob@example.com")
    tokens = [accounts.create_session(db, ann.user_id) for _ in range(3)]
    bobs = accounts.create_session(db, bob.user_id)
    assert sign_in_sessions.end_all_sessions(db, ann) == 3
    assert all(accounts.actor_for_session(db, t) is None for t in tokens)
    assert accounts.actor_for_session(db, bobs) == bob


# Only SQLite databases exist from before m230: PostgreSQL came later, and its test databases start migrated.
@pytest.mark.sqlite_only
def test_a_session_from_before_the_upgrade_survives_it_and_is_rotated(tmp_path):
    import sqlite3

    db = store.SqliteDatabase(sqlite3.connect(str(tmp_path / "old.db"), isolation_level=None), tmp_path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, fn in store.MIGRATIONS:
        if name == "m230_accounts_security":
            break
        with store.transaction(db):
            fn(db)
            db.execute("INSERT INTO _migrations VALUES (?, '2026-01-01T00:00:00+00:00')", [name])
    db.execute("INSERT INTO users (id, email, password_hash, role, name, created_at, updated_at) "
               "VALUES (1, 'ann@example.com', 'x', 'candidate', 'Ann', ?, ?)", [_ago(days=1)] * 2)
    db.execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, 1, ?, ?)",
               [sign_in_sessions.token_hash("old-token-" + "x" * 30), _ago(days=3), _ago(days=-4)])
    store.apply_migrations(db)
    resumed = sign_in_sessions.resume_session(db, "old-token-" + "x" * 30)
    assert resumed.actor.email == "ann@example.com" and resumed.new_token
