"""Admin: the access request queue (grant with a permission checklist, or deny), every company's access
(change, revoke) and recruiter accounts for a company."""
import streamlit as st

from engine import companies
from engine.authz import PERMISSION_LABELS, PERMISSIONS
from ui.account_forms import show_errors
from ui.session import db, require
from ui.text import safe  # everything a company typed is shown, never interpreted

admin = require("admin")
conn = db()
st.title("Companies & access")

if notice := st.session_state.pop("admin_notice", None):
    st.success(notice)


def act(fn, *args, done: str) -> None:
    """Run one engine action; report its outcome on the next run."""
    try:
        fn(conn, admin, *args)
    except Exception as exc:  # refused or invalid: say why, change nothing
        show_errors(exc)
    else:
        st.session_state["admin_notice"] = done
        st.rerun()


def permission_checklist(key: str, current: list[str]) -> list[str]:
    cols = st.columns(len(PERMISSIONS))
    return [p for col, p in zip(cols, PERMISSIONS)
            if col.checkbox(PERMISSION_LABELS[p], value=p in current or not current, key=f"{key}_{p}")]


requests_tab, companies_tab = st.tabs(["Access requests", "All companies"])

with requests_tab:
    queue = companies.list_access_requests(conn, admin)
    if not queue:
        st.info("No access requests are waiting. Companies send one from their profile page.")
    for req in queue:
        with st.container(border=True):
            st.markdown(f"**{safe(req['company'])}** · {safe(req['industry'] or '')} · {safe(req['location'] or '')}")
            st.caption(f"Requested {req['created_at'][:16].replace('T', ' ')} UTC · {safe(req['company_email'] or '')}"
                       + (f" · {safe(req['website'])}" if req["website"] else ""))
            st.markdown(safe(req["message"] or "(no message)"))
            chosen = permission_checklist(f"req{req['id']}", [])
            reason = st.text_input("Reason (sent with a denial)", key=f"reason{req['id']}")
            grant_col, deny_col, _ = st.columns([1, 1, 4])
            if grant_col.button("Grant", type="primary", key=f"grant{req['id']}"):
                act(companies.grant_access, req["company_id"], chosen, done=f"Access granted to {safe(req['company'])}.")
            if deny_col.button("Deny", key=f"deny{req['id']}"):
                act(companies.deny_access, req["company_id"], reason, done=f"Request from {safe(req['company'])} denied.")

with companies_tab:
    all_companies = companies.list_companies(conn, admin)
    if not all_companies:
        st.info("No companies have signed up yet.")
    for company in all_companies:
        label = f"{safe(company['name'])} — {companies.ACCESS_STATUS_LABELS.get(company['access_status'], company['access_status'])}"
        with st.expander(label):
            st.caption(f"{safe(company['industry'] or '')} · {safe(company['location'] or '')} · "
                       f"{company['recruiter_count']} recruiter account(s)")
            key = f"c{company['id']}"
            chosen = permission_checklist(key, company["permissions"])
            cols = st.columns([1, 1, 3])
            if cols[0].button("Save permissions", key=f"{key}_save"):
                act(companies.grant_access, company["id"], chosen, done=f"Permissions of {safe(company['name'])} updated.")
            if company["access_status"] == "granted" and cols[1].button("Revoke access", key=f"{key}_revoke"):
                act(companies.revoke_access, company["id"], "", done=f"Access of {safe(company['name'])} revoked.")
            with st.form(f"{key}_recruiter", clear_on_submit=False):
                st.markdown("Add a recruiter account")
                name = st.text_input("Name", key=f"{key}_name")
                email = st.text_input("Email", key=f"{key}_email")
                password = st.text_input("Temporary password", type="password", key=f"{key}_pw")
                if st.form_submit_button("Create recruiter"):
                    act(companies.add_recruiter, company["id"], name, email, password,
                        done=f"Recruiter {safe(email)} added to {safe(company['name'])}.")
