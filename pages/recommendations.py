"""A candidate's recommended jobs (the matching model's top ten for their profile), with scores and skills."""
import streamlit as st

from ui.recommendations import render_recommendations
from ui.session import require

actor = require("candidate")
st.title("Job recommendations")
st.caption("Open jobs ranked by how well they match your profile; update your skills and experience to refine them.")
render_recommendations(actor, k=10)
st.page_link("pages/account.py", label="Improve my matches: edit my profile", icon=":material/person:")
