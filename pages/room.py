"""An interview room: access check, recording consent, video, screen share, code pad, chat."""
import streamlit as st

from engine.authz import AccessDenied, NotFound, is_company_staff
from engine.meetings import rooms
from ui import meetings as room_ui
from ui.session import db, require
from ui.text import safe

actor = require("candidate", "recruiter", "admin")
credential = st.query_params.get("token") or st.query_params.get("code") or ""
if not credential:
    st.error("This page needs a room link. Open the link from your invitation, or enter a room code on the Join page.")
    st.page_link("pages/join.py", label="Join a room", icon=":material/login:")
    st.stop()
conn = db()
try:
    interview = rooms.resolve_room(conn, actor, credential)
except (AccessDenied, NotFound, ValueError) as exc:
    st.error(str(exc))
    st.page_link("pages/join.py", label="Join another room", icon=":material/login:")
    st.stop()

iid = interview["id"]
st.title(safe(interview["title"]))
st.caption(f"Room code **{interview['room_code']}** · "
           + ("instant call: anyone signed in with the link or code joins as a guest" if interview["kind"] == "instant"
              else f"scheduled for {interview['starts_at'][:16].replace('T', ' ')} UTC, {interview['duration_min']} min"))

# The consent box and the camera area each draw into a slot of their own: the room below them keeps its
# place once the choice is made, so a run cut short never leaves the old room on screen beside the new one.
with st.container():
    consent = room_ui.consent_notice(iid, actor)
video_col, side_col = st.columns([3, 2], gap="large")
with video_col:
    with st.container():
        if consent is None:
            st.info("Choose above whether you agree to be recorded; then your camera can start.")
        else:
            room_ui.video_call(iid, actor, record=consent)
    with st.expander("Share your screen", icon=":material/screen_share:"):
        room_ui.screen_share(iid, actor)
    st.subheader("Code pad")
    if is_company_staff(conn, actor, interview["company_id"]) or interview["created_by"] == actor.user_id:
        room_ui.question_editor(iid, actor, interview["question"] or "")
    room_ui.code_pad(iid, actor)
with side_col:
    st.subheader("Room")
    room_ui.live_panel(iid, actor)
