"""A shared resume: read-only pages of the shared version and its PDF. Anyone with the link; a revoked,
forged or unknown token shows "not found", an expired one says when it ran out."""
import streamlit as st

from engine.authz import NotFound
from engine.resume.render import render_pdf
from engine.resume.share import ShareExpired, resolve_share
from engine.resume.thumbnails import page_count, page_png
from ui.session import db as get_db
from ui.text import safe

token = st.query_params.get("token", "")
try:
    shared = resolve_share(get_db(), token)
except ShareExpired as exc:
    st.title("Shared resume")
    st.error(str(exc))
    st.stop()
except NotFound:
    st.title("Shared resume")
    st.error("not found — this link is wrong or was revoked by its owner.")
    st.stop()

name = shared.resume.personal.name or shared.title
st.title(safe(name))
pdf = render_pdf(shared.resume, shared.template)
st.download_button("Download PDF", data=pdf, file_name=f"{name.replace(' ', '_')}_resume.pdf", mime="application/pdf",
                   key="share_download", icon=":material/download:", on_click="ignore")
for i in range(page_count(pdf)):
    st.image(page_png(pdf, i, 900), caption=f"Page {i + 1}", alt=f"Resume, page {i + 1}")
