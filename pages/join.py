"""Join a room by link or code, or start an instant call."""
import streamlit as st

from engine.authz import AccessDenied, NotFound
from engine.meetings import rooms
from ui.session import db, require

actor = require("candidate", "recruiter", "admin")
st.title("Join a room")

with st.form("join"):
    text = st.text_input("Room link or code", placeholder="https://.../room?token=...  or  abc-defg-hij")
    if st.form_submit_button("Join", type="primary"):
        try:
            kind, value = rooms.extract_credential(text)
            rooms.resolve_room(db(), actor, text)
        except (AccessDenied, NotFound, ValueError) as exc:
            st.error(str(exc))
        else:
            st.switch_page("pages/room.py", query_params={kind: value})

st.divider()
st.subheader("New call")
st.write("An instant room starting now. Anyone signed in who has its link or code can join it as a guest.")
with st.form("new_call"):
    title = st.text_input("Title (optional)", max_chars=200)
    if st.form_submit_button("New call"):
        try:
            room = rooms.new_call(db(), actor, title)
        except (AccessDenied, ValueError) as exc:
            st.error(str(exc))
        else:
            st.session_state["join_new_room"] = {"url": room.url, "token": room.token,
                                                 "code": room.interview["room_code"]}
new_room = st.session_state.get("join_new_room")
if new_room:
    st.success("Your room is ready. Share this link (it is shown only now) or the room code:")
    st.code(new_room["url"], language=None)
    st.write(f"Room code: **{new_room['code']}**")
    st.page_link("pages/room.py", label="Enter the room", icon=":material/videocam:",
                 query_params={"token": new_room["token"]})
