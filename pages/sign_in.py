"""Sign in, or create a candidate or company account."""
import streamlit as st

from engine import accounts
from engine.authz import AccessDenied
from ui import auth
from ui.account_forms import PASSWORD_HELP, candidate_fields, show_errors
from ui.session import current_actor, db
from ui.text import safe

conn = db()
actor = current_actor()
if actor is not None:
    st.success(f"You are signed in as {safe(actor.name)} ({safe(actor.email)}).")
    st.page_link("pages/home.py", label="Go to the home page", icon=":material/home:")
    st.stop()

st.title("Welcome to JobExpressway")
TAB_FROM_QUERY = {"candidate": "I'm looking for a job", "company": "We're hiring"}   # Home's cards link to a tab
sign_in_tab, candidate_tab, company_tab = st.tabs(["Sign in", "I'm looking for a job", "We're hiring"],
                                                  default=TAB_FROM_QUERY.get(st.query_params.get("tab", ""), "Sign in"))

with sign_in_tab:
    with st.form("sign_in"):
        email = st.text_input("Email", key="signin_email")
        password = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            auth.sign_in(conn, accounts.authenticate(conn, email, password, client=auth.client_key()))
        except AccessDenied as exc:
            st.error(str(exc))
        else:
            st.switch_page("pages/home.py")
    auth.google_sign_in_button()

with candidate_tab:
    with st.form("candidate_sign_up"):
        name = st.text_input("Full name *", key="cand_name")
        c_email = st.text_input("Email *", key="cand_email")
        c_password = st.text_input("Password *", type="password", key="cand_password",
                                   help=PASSWORD_HELP)
        c_confirm = st.text_input("Repeat password *", type="password", key="cand_confirm")
        profile = candidate_fields("cand")
        created = st.form_submit_button("Create candidate account", type="primary")
    if created:
        if c_password != c_confirm:
            st.error("The two passwords are not the same.")
        else:
            try:
                new = accounts.sign_up_candidate(conn, name=name, email=c_email, password=c_password, **profile)
            except ValueError as exc:
                show_errors(exc)
            else:
                auth.sign_in(conn, new)
                st.switch_page("pages/home.py")

with company_tab:
    st.caption("A company account can post jobs and review applicants once the site admin grants access.")
    with st.form("company_sign_up"):
        company_name = st.text_input("Company name *", key="comp_name")
        industry = st.text_input("Industry *", key="comp_industry", placeholder="e.g. Software, Healthcare, Retail")
        location = st.text_input("Location *", key="comp_location", placeholder="City, Country")
        website = st.text_input("Website", key="comp_website", placeholder="https://example.com")
        contact = st.text_input("Your name", key="comp_contact", placeholder="Shown to candidates you contact")
        r_email = st.text_input("Work email *", key="comp_email")
        r_password = st.text_input("Password *", type="password", key="comp_password",
                                   help=PASSWORD_HELP)
        r_confirm = st.text_input("Repeat password *", type="password", key="comp_confirm")
        registered = st.form_submit_button("Create company account", type="primary")
    if registered:
        if r_password != r_confirm:
            st.error("The two passwords are not the same.")
        else:
            try:
                new = accounts.sign_up_company(conn, email=r_email, password=r_password, company_name=company_name,
                                               industry=industry, location=location, website=website,
                                               contact_name=contact)
            except ValueError as exc:
                show_errors(exc)
            else:
                auth.sign_in(conn, new)
                st.switch_page("pages/account.py")
