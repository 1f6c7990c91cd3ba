"""Your profile. Candidates edit everything they signed up with; recruiters also see their company's
profile, access status and permissions, and can request access or add colleagues.

Named account.py: a page file called profile.py shadows the standard library's `profile` module (which
cProfile imports, e.g. while sentence-transformers loads) once Streamlit has put pages/ on sys.path."""
import streamlit as st

from engine import accounts, companies, email_confirmation, sign_in_sessions
from engine.authz import AccessDenied, NotFound
from ui import auth
from ui.account_forms import candidate_fields, show_errors
from ui.accountability import data_rights_panel
from ui.recommendations import render_profile_occupation, render_recommendations
from ui.session import current_actor, db, require, set_actor
from ui.text import safe

conn = db()


def confirm_emailed_link(token: str) -> None:
    """The link from a confirmation email: works signed in or not (the link is the proof)."""
    try:
        confirmed = email_confirmation.confirm_email(conn, token)
    except ValueError as exc:
        show_errors(exc)
    else:
        if (signed_in := current_actor()) is not None and signed_in.user_id == confirmed.user_id:
            set_actor(confirmed)
        st.success(f"Your email address is now {safe(confirmed.email)}.")
    st.query_params.pop(email_confirmation.EMAIL_LINK_PARAM, None)


if link_token := st.query_params.get(email_confirmation.EMAIL_LINK_PARAM):
    confirm_emailed_link(link_token)

actor = require("candidate", "recruiter", "admin")
profile = accounts.get_profile(conn, actor)
st.title("My profile")


def save_changes(changes: dict, done: str) -> None:
    try:
        accounts.update_profile(conn, actor, changes)
    except ValueError as exc:
        show_errors(exc)
    else:
        set_actor(accounts.refresh_actor(conn, actor))
        st.session_state["profile_notice"] = done
        st.rerun()


if notice := st.session_state.pop("profile_notice", None):
    st.success(notice)

with st.form("profile"):
    name = st.text_input("Full name *", value=profile["name"], key="profile_name")
    email = st.text_input("Email *", value=profile["email"], key="profile_email",
                          help="A new address takes effect once you open the link we send to it.")
    extra = candidate_fields("profile", profile) if actor.is_candidate else {}
    if st.form_submit_button("Save profile", type="primary"):
        new_email = accounts.normalize_email(email) != accounts.normalize_email(profile["email"])
        save_changes({"name": name, "email": email, **extra},
                     f"Profile saved. We sent a link to {safe(accounts.normalize_email(email))}: your "
                     "email changes when you open it." if new_email else "Profile saved.")

if profile["pending_email"] and profile["pending_email"] != profile["email"]:
    st.info(f"Waiting for you to open the link sent to {safe(profile['pending_email'])}; until then "
            f"your email stays {safe(profile['email'])}.")
elif not profile["email_verified_at"]:
    st.caption("Your email address is not verified yet.")
    if st.button("Send me a verification link", key="verify_email"):
        try:
            email_confirmation.request_email_confirmation(conn, actor, profile["email"])
        except ValueError as exc:
            show_errors(exc)
        else:
            st.success(f"We sent a link to {safe(profile['email'])}.")

if actor.is_candidate:
    render_profile_occupation(profile)
    render_recommendations(actor)  # refreshed from the saved profile on every run
    if data_rights_panel(conn, actor):
        auth.sign_out(conn)   # its sessions are gone already; this clears the browser's
        st.rerun()

if actor.is_recruiter:
    st.header("Company")
    try:
        company = companies.get_company(conn, actor)
        access = companies.company_permissions(conn, actor)
    except Exception as exc:
        show_errors(exc)
        st.stop()
    with st.form("company_profile"):
        c_name = st.text_input("Company name *", value=company["name"])
        c_industry = st.text_input("Industry *", value=company["industry"] or "")
        c_location = st.text_input("Location *", value=company["location"] or "")
        c_website = st.text_input("Website", value=company["website"] or "")
        if st.form_submit_button("Save company profile"):
            try:
                companies.update_company(conn, actor, {"name": c_name, "industry": c_industry,
                                                       "location": c_location, "website": c_website})
            except ValueError as exc:
                show_errors(exc)
            else:
                st.session_state["profile_notice"] = "Company profile saved."
                st.rerun()

    st.subheader("Access")
    status_view = {"granted": st.success, "pending": st.info}.get(access["access_status"], st.warning)
    status_view(access["status_label"])
    if access["permission_labels"]:
        st.markdown("Granted permissions:\n" + "\n".join(f"- {label}" for label in access["permission_labels"]))
    else:
        st.caption("No permissions granted yet.")
    pending = access["access_status"] == "pending" or any(r["status"] == "pending" for r in access["requests"])
    if not pending:
        with st.form("request_access", clear_on_submit=True):
            message = st.text_area("Request access", placeholder="Tell the admin who you are and what you need: "
                                   "posting jobs, reviewing applicants, scheduling interviews…")
            if st.form_submit_button("Send access request", type="primary"):
                try:
                    companies.request_access(conn, actor, message)
                except ValueError as exc:
                    show_errors(exc)
                else:
                    st.session_state["profile_notice"] = "Access request sent. The admin has been notified."
                    st.rerun()
    if access["requests"]:
        with st.expander("Request history"):
            for r in access["requests"]:
                st.markdown(f"- {r['created_at'][:16].replace('T', ' ')} · **{r['status']}** · {safe(r['message'] or '(no message)')}")

    if access["access_status"] == "granted":   # a company without access cannot grow its staff (engine.authz)
        with st.expander("Add a colleague's recruiter account"):
            with st.form("add_colleague", clear_on_submit=False):
                col_name = st.text_input("Name")
                col_email = st.text_input("Email")
                col_password = st.text_input("Temporary password", type="password",
                                             help="At least 8 characters with a letter and a digit; ask them to change it.")
                if st.form_submit_button("Create account"):
                    try:
                        companies.add_recruiter(conn, actor, actor.company_id, col_name, col_email, col_password)
                    except (ValueError, AccessDenied, NotFound) as exc:
                        show_errors(exc)
                    else:
                        st.success(f"Account created for {safe(col_email)}.")

if actor.is_admin:
    st.page_link("pages/admin_companies.py", label="Companies & access requests", icon=":material/domain:")

if not profile["google_only"]:
    with st.expander("Change password"):
        with st.form("change_password", clear_on_submit=True):
            current = st.text_input("Current password", type="password")
            new = st.text_input("New password", type="password")
            if st.form_submit_button("Change password"):
                try:
                    accounts.change_password(conn, actor, current, new)
                except (ValueError, AccessDenied) as exc:  # AccessDenied: too many wrong current passwords
                    show_errors(exc)
                else:
                    auth.sign_in(conn, actor)  # other sessions ended; this browser stays signed in
                    st.success("Password changed. Other devices have been signed out.")

with st.expander("Sign out everywhere"):
    st.caption("Ends every session of your account, on every device and browser, this one included.")
    if st.button("Sign out everywhere", key="sign_out_everywhere"):
        sign_in_sessions.end_all_sessions(conn, actor)
        auth.sign_out(conn)
        st.switch_page("pages/home.py")
