"""Landing page and hub: what JobExpressway does and, for whoever is here, every service of their role one click
away (a card per service, with a live note where there is something new)."""
import streamlit as st

from engine import accounts
from ui.hub import service_cards
from ui.recommendations import render_recommendations
from ui.session import current_actor, db
from ui.text import safe

actor = current_actor()
conn = db()
summary = accounts.home_summary(conn, actor)

st.title("JobExpressway")
st.write("Find the right job, build a strong resume, practise interviews and follow every application to its end.")

if summary["open_jobs"] == 0:
    st.info("The job catalogue is empty. Load it with `python -m engine init` (generated jobs) "
            "or `python -m engine import-jobs FILE`, then reload this page.")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


if actor is None:
    st.metric("Open jobs", f"{summary['open_jobs']:,}")
    service_cards(None)

elif actor.is_candidate:
    st.subheader(f"Welcome back, {safe(actor.name)}")
    if summary["missing_profile_fields"]:
        st.warning("Complete your profile to get better job matches: add your "
                   + ", ".join(summary["missing_profile_fields"]) + ".")
        st.page_link("pages/account.py", label="Edit my profile", icon=":material/person:")
    cols = st.columns(3)
    cols[0].metric("Open jobs", f"{summary['open_jobs']:,}")
    cols[1].metric("My applications", summary["applications"])
    cols[2].metric("Saved jobs", summary["saved_jobs"])
    service_cards("candidate", {
        "applications": plural(summary["unread_messages"], "new message") if summary["unread_messages"] else "",
        "saved": plural(summary["saved_jobs"], "saved job") if summary["saved_jobs"] else "",
    })
    render_recommendations(actor)

elif actor.is_recruiter:
    st.subheader(f"Welcome back, {safe(actor.name)}")
    status = summary.get("access_status", "none")
    if status == "granted":
        st.success("Your company has access. You can use the permissions the admin granted.")
    elif status == "pending":
        st.info("Your access request is waiting for the admin. You will get a message when it is answered.")
    else:
        st.warning("Your company has no access yet. Send an access request from your profile page.")
    cols = st.columns(2)
    cols[0].metric("Your company's jobs", summary.get("company_jobs", 0))
    cols[1].metric("New applicants", summary.get("new_applicants", 0))
    service_cards("recruiter", {
        "applicants": plural(summary["new_applicants"], "new applicant") if summary.get("new_applicants") else "",
        "profile": "" if status == "granted" else "Request access here",
    })

elif actor.is_admin:
    st.subheader("Administration")
    cols = st.columns(3)
    cols[0].metric("Open jobs", f"{summary['open_jobs']:,}")
    cols[1].metric("Access requests waiting", summary["pending_requests"])
    cols[2].metric("Applications", summary["applications"])
    service_cards("admin", {
        "companies": plural(summary["pending_requests"], "request") + " waiting" if summary["pending_requests"] else "",
        "applications": plural(summary["held_jobs"], "job") + " held for review" if summary["held_jobs"] else "",
    })
