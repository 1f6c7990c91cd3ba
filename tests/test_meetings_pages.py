"""Interviews, Join and Room pages through Streamlit's AppTest."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine import store
from engine.meetings import schedule
from meetings_seed import seed

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime.now().replace(microsecond=0, second=0) + timedelta(days=2)


@pytest.fixture
def world(data_dir):
    db = store.connect(data_dir)
    s = seed(db)
    booked = schedule.schedule_interview(db, s["rec"], s["app"], WHEN, "UTC", 30, "Pairing interview")
    return db, s, booked


def page(path: str, actor, **params) -> AppTest:
    """Run a page inside Home.py's navigation (so page links resolve), signed in as `actor`."""
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.session_state["actor"] = actor
    for k, v in params.items():
        at.query_params[k] = v
    return at.switch_page(path).run()


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [e.value for e in at.info] + [m.value for m in at.markdown]
    parts += [w.value for w in at.warning] + [s.value for s in at.success] + [t.value for t in at.title]
    return "\n".join(str(p) for p in parts)


def test_room_with_forged_token_is_refused(world):
    _, s, _ = world
    at = page("pages/room.py", s["cand"], token="forged-" + "x" * 30)
    assert not at.exception
    assert "not valid" in at.error[0].value
    assert not at.title


def test_room_refuses_a_stranger(world):
    _, s, booked = world
    at = page("pages/room.py", s["cand2"], token=booked.url.split("token=")[1])
    assert "not invited" in at.error[0].value


def test_room_with_valid_link_shows_consent_and_pad(world):
    _, s, booked = world
    at = page("pages/room.py", s["cand"], token=booked.url.split("token=")[1])
    assert not at.exception, at.exception
    assert at.title[0].value == "Pairing interview"
    assert "may be recorded" in texts(at)
    assert [b.label for b in at.button][:2] == ["I agree to be recorded", "Join without recording"]
    assert any(sb.label == "Language" for sb in at.selectbox)     # the code pad
    assert any(b.label == "Run" for b in at.button)
    at.button(key="pad{}_run".format(booked.interview["id"])).click().run()
    assert not at.exception
    assert any("[1, 2, 3]" in c.value for c in at.code)            # the starter program ran in the sandbox


def test_run_is_off_with_the_reason_where_code_cannot_be_isolated(world, tmp_path, monkeypatch):
    _, s, booked = world
    monkeypatch.setenv("PATH", str(tmp_path))   # a server without bubblewrap
    at = page("pages/room.py", s["cand"], token=booked.url.split("token=")[1])
    assert not at.exception, at.exception
    run = at.button(key="pad{}_run".format(booked.interview["id"]))
    assert run.disabled and "bubblewrap is not installed" in run.help
    assert any("bubblewrap is not installed" in c.value for c in at.caption)


def test_interviews_page_schedules_with_preselected_application(world):
    db, s, _ = world
    from meetings_seed import add_accepted_application

    second = add_accepted_application(db, s, "dana@mail.test")
    at = page("pages/interviews.py", s["rec"], application=str(second))
    assert not at.exception, at.exception
    app_box = next(sb for sb in at.selectbox if sb.label == "Application")
    assert app_box.value == second
    next(sb for sb in at.selectbox if sb.label == "Time zone").set_value("Asia/Tokyo")
    next(t for t in at.text_input if t.label == "Title").set_value("Second round")
    submit = next(b for b in at.button if b.label == "Schedule and send the invitation")
    submit.click().run()
    assert not at.exception, at.exception
    assert any("Scheduled" in m.value for m in at.success), texts(at)
    row = store.one(db, "SELECT * FROM interviews WHERE application_id = ?", [second])
    assert row["timezone"] == "Asia/Tokyo" and row["title"] == "Second round"


def test_scheduling_says_the_email_is_queued_not_sent(world, monkeypatch):
    db, s, _ = world
    from meetings_seed import add_accepted_application

    monkeypatch.delenv("SMTP_HOST", raising=False)
    second = add_accepted_application(db, s, "dana@mail.test")
    at = page("pages/interviews.py", s["rec"], application=str(second))
    assert next(t for t in at.text_input if t.label == "Title").value == ""
    next(b for b in at.button if b.label == "Schedule and send the invitation").click().run()
    assert not at.exception, at.exception
    (done,) = [m.value for m in at.success]
    assert "Python Developer interview" in done and "queued" in done and "has an email" not in done
    assert "invitation email queued" in texts(at) + "".join(c.value for c in at.caption)


def test_interviews_page_candidate_sees_upcoming_and_accepts(world):
    db, s, booked = world
    at = page("pages/interviews.py", s["cand"])
    assert not at.exception, at.exception
    assert "Pairing interview" in texts(at)
    assert any("Python Developer at Acme" in c.value for c in at.caption)   # which job the interview is for
    next(b for b in at.button if b.label == "Accept").click().run()
    assert store.one(db, "SELECT status FROM interviews WHERE id = ?", [booked.interview["id"]])["status"] == "accepted"


def test_join_page_new_call_and_bad_code(world):
    db, s, _ = world
    at = page("pages/join.py", s["cand"])
    at.text_input[0].set_value("zzz-zzzz-zzz")
    next(b for b in at.button if b.label == "Join").click().run()
    assert "not valid" in at.error[0].value
    next(b for b in at.button if b.label == "New call").click().run()
    assert not at.exception
    assert "/room?token=" in at.code[0].value
    assert store.one(db, "SELECT kind FROM interviews WHERE created_by = ? ORDER BY id DESC",
                     [s["cand"].user_id])["kind"] == "instant"


@pytest.fixture
def carl_in_room(monkeypatch):
    """Room 999 as the side panel sees it: Carl's camera is live (track-1); this session is user 1."""
    import time
    from types import SimpleNamespace

    import streamlit as st

    from ui import meetings

    peer = "2:other-session"
    carl = SimpleNamespace(state=SimpleNamespace(playing=True), output_video_track=SimpleNamespace(id="track-1"),
                           output_audio_track=None)
    monkeypatch.setitem(meetings._PEERS, 999, {peer: ("Carl", carl)})
    monkeypatch.setitem(meetings._PEERS_SEEN, (999, peer), time.time())
    st.session_state["actor"] = SimpleNamespace(user_id=1)
    yield carl
    st.session_state.pop(meetings._rendered_key(999), None)
    del st.session_state["actor"]


def drawn_calls():
    from ui import meetings

    return [call for call, *_ in meetings._live_calls(meetings._PEERS[999], "1:me")]


def test_a_video_area_drawn_only_in_part_asks_for_a_full_rerun(carl_in_room, db):
    """The side panel's check: a peer who started their camera since the last complete drawing, or a drawing
    cut short before the last peer's player (the marker video_call leaves until it ends), reads as a change."""
    import streamlit as st

    from ui import meetings

    key = meetings._rendered_key(999)
    assert meetings._peers_changed(db, 999) is False          # no video area on this page: nothing to redraw
    st.session_state[key] = []
    assert meetings._peers_changed(db, 999) is True           # Carl started after the last drawing
    st.session_state[key] = drawn_calls()
    assert meetings._peers_changed(db, 999) is False          # drawn with Carl's player
    st.session_state[key] = [meetings.DRAWING]
    assert meetings._peers_changed(db, 999) is True           # that drawing was cut short


def test_a_participant_who_restarts_their_camera_gets_a_new_player(carl_in_room, db):
    """A viewer's player relays one track of the other participant for good. When that participant's call
    restarts (Start pressed again, or a leave and rejoin between two refreshes of the panel) their track is
    new: the viewer must draw a new player for it; the old one showed the ended track, never the person."""
    from types import SimpleNamespace

    import streamlit as st

    from ui import meetings

    first = drawn_calls()
    st.session_state[meetings._rendered_key(999)] = first
    assert meetings._peers_changed(db, 999) is False
    carl_in_room.output_video_track = SimpleNamespace(id="track-2")   # Carl's camera restarted: a new call
    assert meetings._peers_changed(db, 999) is True
    second = drawn_calls()
    assert meetings._player_key(999, second[0]) != meetings._player_key(999, first[0])
    carl_in_room.output_video_track = None                             # live, but no track yet: nothing to draw
    assert drawn_calls() == []


def test_a_participant_on_another_replica_is_shown_once_the_bridge_has_their_tracks(world, monkeypatch):
    """Rooms across replicas, the page's side: a camera published by another replica is asked of the bridge,
    and its call (named with the bridge connection's serial) is drawn only once the tracks are in; my own
    live camera is published under this replica's id for the others."""
    import time
    from types import SimpleNamespace

    import streamlit as st

    from engine.meetings import peers
    from ui import meetings

    db, s, booked = world
    iid = booked.interview["id"]
    link = SimpleNamespace(state="offered", serial=1, video=SimpleNamespace(id="remote-video"), audio=None)
    asked = []

    class Bridge:
        def link(self, *key):
            asked.append(key)
            return link

    monkeypatch.setattr(meetings, "_BRIDGE", Bridge())
    monkeypatch.setattr(meetings, "_replica", lambda: "replica-1")
    mine = SimpleNamespace(state=SimpleNamespace(playing=True), output_video_track=SimpleNamespace(id="my-track"),
                           output_audio_track=None)
    me = f"{s['rec'].user_id}:{meetings._session_id()}"
    monkeypatch.setitem(meetings._PEERS, iid, {me: ("Rita", mine)})
    monkeypatch.setitem(meetings._PEERS_SEEN, (iid, me), time.time())
    st.session_state["actor"] = s["rec"]
    st.session_state[meetings._rendered_key(iid)] = []
    try:
        peers.publish(db, iid, "9:far-away", "replica-2", s["cand"].user_id, "Carl", "carl-track")
        assert meetings._peers_changed(db, iid) is False   # still connecting: nothing new to draw yet
        assert asked == [(iid, "9:far-away", "carl-track", "replica-2")]
        link.state = "ready"
        assert meetings._peers_changed(db, iid) is True
        calls = meetings._remote_calls(db, iid, {})
        assert [(c[0], c[1], c[2].id) for c in calls] == [("9:far-away@carl-track#1", "Carl", "remote-video")]
        row = store.one(db, "SELECT replica_id, track_id FROM room_peers WHERE peer_key = ?", [me])
        assert row == {"replica_id": "replica-1", "track_id": "my-track"}
    finally:
        st.session_state.pop(meetings._rendered_key(iid), None)
        del st.session_state["actor"]


def test_an_offer_the_busy_server_did_not_answer_in_time_is_answered_at_a_later_run(world, monkeypatch):
    """streamlit-webrtc gives the server 10 s to answer a player's offer and then raises. That ended the run
    before the side panel (and its timer) was drawn, nothing reran the page, and the player waited for ever
    (the recruiter never saw the candidate, on a loaded machine). Now the page is drawn to the end and keeps
    the redraw marker, so the panel's next refresh reruns it and the offer is answered then."""
    import streamlit_webrtc
    from streamlit_webrtc.webrtc import SignallingTimeoutError

    from ui import meetings

    def too_slow(**kwargs):
        raise SignallingTimeoutError("Processing offer and initializing the worker has not finished in 10 seconds")

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", too_slow)
    _, s, booked = world
    iid = booked.interview["id"]
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.session_state["actor"] = s["cand"]
    at.session_state[f"room{iid}_consent"] = False
    at.query_params["token"] = booked.url.split("token=")[1]
    at.switch_page("pages/room.py").run()
    assert not at.exception, at.exception
    assert any("server is busy" in c.value for c in at.caption)
    assert "In the room now" in texts(at)                      # the side panel and its timer are drawn
    assert at.session_state[meetings._rendered_key(iid)] == [meetings.DRAWING]


def test_a_player_the_browser_still_signals_is_not_treated_as_stopped(monkeypatch):
    """Seen in a loaded two-person run: the library's orphan check reset the candidate's camera context
    while the browser was signalling; the context then read "stopped" while the browser's value kept its
    offer, and each run stopped the worker the previous run had made for that offer (nine workers in
    18 s, each leaving a recording row). The context now follows the browser's value whenever the browser
    says the player is live, and such a player is never taken for orphaned."""
    import streamlit as st
    import streamlit_webrtc
    from streamlit_webrtc.component import WebRtcStreamerContext, WebRtcStreamerState, generate_frontend_component_key

    from ui import meetings

    key = "room-7-self"
    context = WebRtcStreamerContext(worker=None, state=WebRtcStreamerState(playing=False, signalling=False))
    context._last_rendered_run_count = 3          # as after a reset: any jump of the run counter resets again
    seen = []
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer",
                        lambda key, **kw: seen.append((st.session_state[key].state,
                                                       st.session_state[key]._last_rendered_run_count)))
    st.session_state[key] = context
    try:
        st.session_state[generate_frontend_component_key(key)] = {"playing": False, "sdpOffer": {"sdp": "v=0"}}
        meetings._streamer(key)
        assert seen[-1] == (WebRtcStreamerState(playing=False, signalling=True), None)
        st.session_state[generate_frontend_component_key(key)] = {"playing": True, "sdpOffer": {"sdp": "v=0"}}
        meetings._streamer(key)
        assert seen[-1][0] == WebRtcStreamerState(playing=True, signalling=True)
        # Leave call: the browser's value says stopped; the context is left to the library's own callback
        context._set_state(WebRtcStreamerState(playing=False, signalling=False))
        context._last_rendered_run_count = 5
        st.session_state[generate_frontend_component_key(key)] = {"playing": False, "sdpOffer": None}
        meetings._streamer(key)
        assert seen[-1] == (WebRtcStreamerState(playing=False, signalling=False), 5)
    finally:
        del st.session_state[key]
        del st.session_state[generate_frontend_component_key(key)]


def test_the_recruiter_decides_a_past_interview_in_one_run(world):
    """Offer in the history: the decision is recorded in the button's callback, so the same run shows it
    (no st.rerun() after it, which could replace a page the recruiter clicked meanwhile)."""
    db, s, booked = world
    iid = booked.interview["id"]
    db.execute("UPDATE interviews SET starts_at = ? WHERE id = ?",
               [(datetime.now() - timedelta(days=1)).replace(microsecond=0).isoformat(), iid])
    at = page("pages/interviews.py", s["rec"])
    assert not at.exception, at.exception
    at.text_area(key=f"decide{iid}_notes").set_value("Clear answers.")
    next(b for b in at.button if b.label == "Offer").click().run()
    assert not at.exception, at.exception
    row = store.one(db, "SELECT status, decision, notes FROM interviews WHERE id = ?", [iid])
    assert (row["decision"], row["notes"]) == ("offered", "Clear answers.")
    assert store.one(db, "SELECT status FROM applications WHERE id = ?", [s["app"]])["status"] == "offered"
    assert any("Offered" in e.label for e in at.expander)   # drawn by the same run


def _path_of_subheader(node, text: str, path: tuple = ()) -> tuple | None:
    """Where in the page's element tree (child indexes from the main area) the subheader ``text`` is."""
    if getattr(node, "type", None) == "subheader" and getattr(node, "value", None) == text:
        return path
    for index, child in sorted(getattr(node, "children", {}).items()):
        found = _path_of_subheader(child, text, (*path, index))
        if found is not None:
            return found
    return None


def test_choosing_about_recording_keeps_the_room_where_it_was(world, monkeypatch):
    """Streamlit removes what a run no longer draws only when a run completes. The consent box sat above the
    room's columns, so after the choice the whole room moved up one place and the old copy stayed on screen
    below the new one for as long as runs were cut short (the video players' own reruns, a busy machine):
    the host saw two code pads for 45 s in a journey test. The box now has a slot of its own, and the
    camera area one inside its column: the code pad keeps its place."""
    import streamlit_webrtc

    def player(**kwargs):   # the component needs a browser; it draws one element and has no context yet
        import streamlit as st

        st.empty()

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", player)
    _, s, booked = world
    iid = booked.interview["id"]
    at = page("pages/room.py", s["cand"], token=booked.url.split("token=")[1])
    before = _path_of_subheader(at.main, "Code pad")
    next(b for b in at.button if b.label == "Join without recording").click().run()
    assert not at.exception, at.exception
    assert at.session_state[f"room{iid}_consent"] is False and "may be recorded" not in texts(at)
    assert before is not None and _path_of_subheader(at.main, "Code pad") == before
