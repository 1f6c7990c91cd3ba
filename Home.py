"""JobExpressway: the frame of the Streamlit app. Page config, who is signed in, and the menu that role sees."""
import streamlit as st

from engine.navigation import pages_for
from ui.mail_sender import start_mail_sender
from ui.session import current_actor

st.set_page_config(page_title="JobExpressway", page_icon=":material/rocket_launch:", layout="wide")

start_mail_sender()  # delivers the email outbox in the background when SMTP_HOST is set
actor = current_actor()
sections: dict[str, list] = {}
for spec in pages_for(actor.role if actor else None):
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.url_path == "home")
    )
st.navigation(sections).run()
