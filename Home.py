"""JobExpressway: the frame of the Streamlit app. Page config, who is signed in (restored from the session
cookie), the menu that role sees, the account box, then the chosen page."""
import pylibsrtp  # noqa: F401  (before anything can import TensorFlow: the reverse load order segfaults)
import streamlit as st

from engine.navigation import PAGES
from ui import auth
from ui.background import start_background_work
from ui.server_log import quiet_client_disconnects
from ui.session import current_actor, db

st.set_page_config(page_title="JobExpressway", page_icon=":material/rocket_launch:", layout="wide")
quiet_client_disconnects()   # a closed tab is not a server error

auth.bootstrap_accounts_once()
auth.restore_session(db())
start_background_work()  # mail and recording clean-up in a thread, unless worker processes run
actor = current_actor()
role = actor.role if actor else "guest"

# Every page is registered, so a deep link (an emailed link, a bookmark) opens it and the page itself says
# "sign in" or "not for your role"; the menu lists only what this role may use.
sections: dict[str, list] = {}
hidden: list = []
for spec in PAGES:
    listed = role in spec.roles and not spec.hidden
    page = st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.url_path == "home", visibility="visible" if listed else "hidden")
    if listed:
        sections.setdefault(spec.section, []).append(page)
    else:
        hidden.append(page)
next(iter(sections.values())).extend(hidden)  # hidden pages need a section; the first never shows them

current = st.navigation(sections)
auth.render_account_box()
auth.render_cookie_sync(db())
current.run()
