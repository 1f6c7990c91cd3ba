"""Interview-room widgets: the video call, screen sharing, the shared code pad and the live side panel.

Multi-party video follows streamlit-webrtc's video-chat pattern: each participant sends their camera with
a SENDRECV streamer; its context is published in a table shared by all sessions, and every
other participant shows one RECVONLY streamer per peer whose source tracks are the peer's output tracks
(the library relays them through aiortc's MediaRelay on the server). The contexts are shared through a
process-level table (see _PEERS) instead of streamlit-server-state.

Across replicas (several server processes on one database, e.g. behind nginx): each process also publishes
its live cameras in the database (engine.meetings.peers), and a participant on another process is shown
through engine.meetings.bridge, which fetches that camera's tracks from its process over a WebRTC
connection between the two servers; the viewer's player then uses them as it uses a local peer's. Screen
sharing is a small component around getDisplayMedia that sends about one JPEG frame per second; the
latest frame of each room is kept in the database and the others see it refresh in a fragment.
"""
from __future__ import annotations

import base64
import threading
import time
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from engine import store
from engine.authz import AccessDenied, Actor, NotFound
from engine.meetings import bridge, media_access, media_loop, peers, recordings, rtc
from engine.meetings import pad as pads
from engine.meetings.sandbox import SandboxUnavailable, available_languages, run_code, unavailable_reason
from ui import session
from ui.text import safe

ACE_MODES = {"python": "python", "javascript": "javascript", "cpp": "c_cpp"}
STARTERS = {
    "python": "def solve(items):\n    return sorted(items)\n\nprint(solve([3, 1, 2]))\n",
    "javascript": "function solve(items) {\n  return [...items].sort((a, b) => a - b);\n}\nconsole.log(solve([3, 1, 2]));\n",
    "cpp": "#include <iostream>\n\nint main() {\n    std::cout << \"hello\" << std::endl;\n}\n",
}
_screenshare = components.declare_component(
    "jx_screenshare", path=str(Path(__file__).resolve().parent / "components" / "screenshare"))
_media_access = components.declare_component(
    "jx_mediaaccess", path=str(Path(__file__).resolve().parent / "components" / "mediaaccess"))
_camera_keeper = components.declare_component(
    "jx_camerakeeper", path=str(Path(__file__).resolve().parent / "components" / "camerakeeper"))
CAMERA_BUTTONS = {"start": "Start camera", "stop": "Leave call"}   # the camera player's Start and Stop
# room id -> {participant session: (name, webrtc context)}: the call's shared state across sessions. Plain
# process memory, not streamlit-server-state: its automatic reruns replay a session's last client state,
# which after a fragment's timed run is stale and reset the other participants' cameras in our tests.
_PEERS: dict[int, dict] = {}
_PEERS_LOCK = threading.Lock()
_PEERS_SEEN: dict[tuple[int, str], float] = {}   # refreshed by each participant's side panel
PEER_STALE_S = 60   # a closed tab stops refreshing; its entry is dropped after this long
DRAWING = "(video area being drawn)"   # never a peer key: a cut-short drawing always reads as a change
SCREEN_STALE_S = 5
# Every stream is decoded and re-encoded by the server (aiortc, in Python, one event loop for all calls):
# modest resolution and frame rate keep a 2-core server in real time with a few participants.
VIDEO_CONSTRAINTS = {"width": {"ideal": 320}, "height": {"ideal": 240}, "frameRate": {"ideal": 12, "max": 15}}


_BRIDGE: bridge.Bridge | None = None
_BRIDGE_LOCK = threading.Lock()


def _replica() -> str:
    """This server process among the replicas (JOBEXPRESSWAY_REPLICA_ID, else host and port)."""
    return peers.replica_id(st.get_option("server.port"))


def _bridge() -> bridge.Bridge:
    """The process's bridge to the other replicas, started with the first camera or remote participant."""
    global _BRIDGE
    with _BRIDGE_LOCK:
        if _BRIDGE is None:
            from streamlit_webrtc.relay import get_global_relay

            rtc.tune_media_stack()
            _BRIDGE = bridge.Bridge(_replica(), store.connect, media_loop.media_loop(), get_global_relay(),
                                    _local_call, rtc.ice_servers())
        return _BRIDGE


def _local_call(interview_id: int, peer_key: str, track_id: str):
    """(video, audio) output tracks of a camera live in this process, for another replica's viewers."""
    with _PEERS_LOCK:
        entry = _PEERS.get(interview_id, {}).get(peer_key)
    if entry is None:
        return None
    ctx = entry[1]
    video = ctx.output_video_track
    if not ctx.state.playing or video is None or video.id != track_id:
        return None
    return video, ctx.output_audio_track


def _publish(db, interview_id: int, me: str, actor: Actor, ctx) -> None:
    """Tell the other replicas that my camera is live here (also the refresh that keeps it listed)."""
    track = ctx.output_video_track
    if track is not None:
        peers.publish(db, interview_id, me, _replica(), actor.user_id, actor.name, track.id)
        _bridge()   # answers the other replicas' requests for this camera


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "test"


def _streamer(key: str, **kwargs):
    """webrtc_streamer, kept from dropping live calls through its orphaned-context check (0.79).

    The library resets a context (stopping its call) when its script-run counter jumped by more than one
    since the component was last drawn, meant for a page left and revisited. The counter is advanced on
    the server's event loop after a run ends, so two quick reruns (the SDP answer, ICE candidates, a peer
    joining) can read the same value and the next one sees a jump: live calls were dropped 3-40 s after
    they started. The check is skipped while this context's call is connected; leaving the page stops
    that call (the library's page-change observer closes it), after which the check applies as before.

    Returns None when the server did not answer the player's offer in time: the library gives it 10 s and
    then raises, which ended the page's run before the side panel and its timer were drawn. Nothing reran
    the page after that, so the player waited for an answer for ever (on a loaded machine the recruiter
    never saw the candidate while the candidate saw both). The offer stays the player's value, and the
    next full run answers it with a new worker; video_call makes sure that run comes.

    A player whose connection drops (the browser marks it "disconnected" when the busy server misses a few
    connectivity checks) stops and at once offers again. When both changes reach the server in one rerun,
    the library sees a player still signalling and a worker still there, so it neither stops that worker
    nor answers the new offer, and the player waits for ever (a failing loaded run showed that state: the
    recruiter's player no longer playing, its server worker still connected). A worker made for another
    offer is therefore reset here, and the library answers the new one.

    The library reads a player's state (playing, signalling) from its context, which it updates only when
    the browser's value changes. Once anything reset the context while the browser was still signalling
    (the orphan check above, before the first connection), the context read "stopped" while the browser's
    value kept its offer, and every run stopped the worker the run before had made for that offer and made
    another (seen in a loaded two-person run: the candidate's camera answered nine times in 18 s, each
    worker leaving a recording row behind). So the context takes the browser's state again whenever the
    browser says the player is signalling or playing, and such a player is never treated as orphaned: a
    player left behind on another page has no value any more."""
    from streamlit_webrtc import webrtc_streamer
    from streamlit_webrtc.component import _reset_context, compile_state, generate_frontend_component_key
    from streamlit_webrtc.webrtc import SignallingTimeoutError

    context = st.session_state.get(key)
    worker = context._get_worker() if context is not None and hasattr(context, "_get_worker") else None
    peer_connection = getattr(worker, "pc", None)
    value = st.session_state.get(generate_frontend_component_key(key))
    if peer_connection is not None and not rtc.answers_offer(peer_connection, (value or {}).get("sdpOffer")):
        _reset_context(context)
        peer_connection = None
    if context is not None and value:
        _follow_the_browser(context, compile_state(value))
    if peer_connection is not None and peer_connection.connectionState not in ("closed", "failed"):
        context._last_rendered_run_count = None
    try:
        return webrtc_streamer(key=key, **kwargs)
    except SignallingTimeoutError:
        st.caption(":material/hourglass_top: The server is busy; this video connects at the next try.")
        return None


def _follow_the_browser(context, browser) -> None:
    """Give the context the browser's state (playing, signalling) while the browser says the player is live,
    and keep the library's orphan check off it then (see _streamer)."""
    if browser.playing or browser.signalling:
        if context.state != browser:
            context._set_state(browser)
        context._last_rendered_run_count = None


def consent_notice(interview_id: int, actor: Actor) -> bool | None:
    """Everyone sees the recording notice first; True = agreed, False = join unrecorded, None = not chosen."""
    key = f"room{interview_id}_consent"
    if key in st.session_state:
        return st.session_state[key]
    with st.container(border=True):
        st.markdown("#### :material/radio_button_checked: This interview may be recorded")
        st.write("With your agreement, your camera and microphone are recorded on the JobExpressway server from the "
                 "moment you press START. The recording is linked to this interview: you and the company's recruiters "
                 "can replay it, and it is deleted automatically after the retention period "
                 f"({recordings.retention_days()} days). Without your agreement you still join, but nothing of yours "
                 "is recorded.")
        agree, decline = st.columns(2)
        if agree.button("I agree to be recorded", type="primary", key=f"room{interview_id}_agree"):
            st.session_state[key] = True
            try:
                pads.post_chat(session.db(), actor, interview_id, "agreed to be recorded", kind="system")
            except (AccessDenied, NotFound, ValueError):
                pass
            st.rerun()
        if decline.button("Join without recording", key=f"room{interview_id}_decline"):
            st.session_state[key] = False
            st.rerun()
    return None


def video_call(interview_id: int, actor: Actor, record: bool) -> None:
    """My camera (SENDRECV) and one RECVONLY view per other participant in the room."""
    from streamlit_webrtc import WebRtcMode

    try:
        config = rtc.rtc_configuration()
    except ValueError as exc:
        st.error(f"Video is not configured correctly: {exc}")
        return
    rtc.tune_media_stack()
    me = f"{actor.user_id}:{_session_id()}"
    # Until the last peer's player is drawn, the side panel must see a change: a run cut short by another
    # (the players' own reruns, the panel's timed run) can leave a peer's player undrawn with no full rerun
    # after it, and a participant then never saw the other's video (seen once, in a full test run).
    st.session_state[_rendered_key(interview_id)] = [DRAWING]
    st.caption(f"You: {safe(actor.name)}")
    self_key = f"room-{interview_id}-self"
    self_ctx = _streamer(
        key=self_key,
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=config,
        media_stream_constraints={"video": VIDEO_CONSTRAINTS, "audio": True},
        in_recorder_factory=recordings.in_recorder_factory(interview_id, actor.user_id) if record else None,
        sendback_audio=False,            # no echo of my own voice
        media_toggle_controls=True,      # camera and microphone on/off in the player
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True, "style": {"width": "100%"}},
        translations=CAMERA_BUTTONS,
    )
    # presses Start camera again when the connection drops (not when the person presses Leave call)
    _camera_keeper(key=f"room{interview_id}_camera_keeper", default=None, **CAMERA_BUTTONS)
    answered = self_ctx is not None   # every player's offer answered; otherwise the panel reruns the page
    self_ctx = self_ctx or st.session_state.get(self_key)
    playing = self_ctx is not None and self_ctx.state.playing
    with _PEERS_LOCK:
        local = _PEERS.setdefault(interview_id, {})
        if playing:
            local[me] = (actor.name, self_ctx)
            _PEERS_SEEN[(interview_id, me)] = time.time()
        else:
            local.pop(me, None)
        local = dict(local)
    db = session.db()
    if playing:
        _publish(db, interview_id, me, actor, self_ctx)
    else:
        peers.withdraw(db, interview_id, me)
    # the player itself says nothing when the browser refuses the camera: ask the browser, and explain
    blocked = media_access.blocked_message(_media_access(key=f"room{interview_id}_media", default=None),
                                           st.context.headers.get("User-Agent"))
    if blocked:
        st.error(blocked, icon=":material/videocam_off:")
    else:
        st.caption("Press Start camera; your browser asks once whether this site may use the camera and "
                   "microphone. Chat and the code pad work without video.")
    if record and playing:
        st.caption(":red[:material/fiber_manual_record:] Recording your camera and microphone.")
    others = _live_calls(local, me) + _remote_calls(db, interview_id, local)
    if not others:
        st.info("Nobody else has started their camera yet.")
    for call, name, video, audio in others:
        st.caption(safe(name))
        answered &= _streamer(
            key=_player_key(interview_id, call),
            mode=WebRtcMode.RECVONLY,
            rtc_configuration=config,
            desired_playing_state=True,
            source_video_track=video,
            source_audio_track=audio,
            media_stream_constraints={"video": True, "audio": True},
            video_html_attrs={"autoPlay": True, "controls": False, "style": {"width": "100%"}},
        ) is not None
    _stop_players_not_drawn(interview_id, {_player_key(interview_id, call) for call, *_ in others})
    # an unanswered offer keeps the marker: the side panel then reruns the page, which answers it
    st.session_state[_rendered_key(interview_id)] = [call for call, *_ in others] if answered else [DRAWING]


def _live_calls(table: dict, me: str) -> list[tuple[str, str, object, object]]:
    """(call, name, video, audio) of every other participant in this process whose camera is live, by
    call. A call is the participant and their current output track: whoever restarts their camera (a
    second press of Start, a leave and rejoin within one refresh) sends a new track, and the others'
    players, each subscribed to one track for good, must be replaced. Keyed by participant alone, a viewer
    kept a player on the ended track and never saw that participant again (found by reading; the failing browser runs showed the unanswered
    offer that _streamer describes)."""
    calls = []
    for key, (name, ctx) in table.items():
        track = ctx.output_video_track if key != me and ctx.state.playing else None
        if track is not None:
            calls.append((f"{key}@{track.id}", name, track, ctx.output_audio_track))
    return sorted(calls, key=lambda c: c[0])


def _remote_calls(db, interview_id: int, local: dict) -> list[tuple[str, str, object, object]]:
    """(call, name, video, audio) of the live cameras held by other replicas whose tracks have arrived
    here through the bridge; asking starts (or keeps open) the connection to that replica, and the side
    panel's next refresh sees the call once its tracks are in. The call names the bridge's connection too:
    when it drops and is made again, the players are replaced as for a restarted camera."""
    rows = peers.remote_peers(db, interview_id, _replica(), PEER_STALE_S)
    calls = []
    for row in rows:
        if row["peer_key"] in local:
            continue
        link = _bridge().link(interview_id, row["peer_key"], row["track_id"], row["replica_id"])
        if link.state == "ready":
            calls.append((f"{row['peer_key']}@{row['track_id']}#{link.serial}", row["name"], link.video,
                          link.audio))
    return sorted(calls, key=lambda c: c[0])


def _player_key(interview_id: int, call: str) -> str:
    return f"room-{interview_id}-peer-{call}"


def _stop_players_not_drawn(interview_id: int, drawn: set[str]) -> None:
    """Stop this session's players of calls that ended or were replaced (their server side would otherwise
    keep relaying an ended track until the session closes).

    The stopped context stays in the session state: the removed player's iframe may still report a state
    change, and the library's callback for it reads the context by key. Deleted, that raised KeyError
    before the run, the page showed the error instead of the room, and the participant's own player was
    drawn anew and their camera stopped (seen in the two-replica browser test, where bridge connections
    that drop and are made again replace players more often)."""
    prefix = _player_key(interview_id, "")
    for key in [k for k in list(st.session_state.keys()) if str(k).startswith(prefix) and k not in drawn]:
        if type(st.session_state[key]).__name__ != "WebRtcStreamerContext":  # the component's own state
            continue
        worker = st.session_state[key]._get_worker()
        if worker is not None:
            worker.stop()


def _rendered_key(interview_id: int) -> str:
    """Session-state key of the peers whose players the last complete drawing of the video area showed."""
    return f"room{interview_id}_rendered_peers"


def screen_share(interview_id: int, actor: Actor) -> None:
    @st.fragment
    def _sender() -> None:
        value = _screenshare(interval_ms=1000, key=f"room{interview_id}_screen", default=None)
        if not value:
            return
        shared = f"room{interview_id}_screen_shared"   # a frame of mine is in the database
        if value.get("sharing") and value.get("frame", "").startswith("data:image/jpeg;base64,"):
            raw = base64.b64decode(value["frame"].split(",", 1)[1])
            if len(raw) < peers.MAX_SCREEN_BYTES:
                peers.put_screen(session.db(), interview_id, raw, actor.user_id, actor.name)
                st.session_state[shared] = True
        elif not value.get("sharing") and st.session_state.pop(shared, False):
            peers.clear_screen(session.db(), interview_id, actor.user_id)

    _sender()


def shared_screen(db, interview_id: int, actor: Actor) -> None:
    """The latest frame someone else shares (called inside a refreshing fragment)."""
    shot = peers.latest_screen(db, interview_id, SCREEN_STALE_S)
    if shot and shot["by"] != actor.user_id:
        st.image(shot["frame"], caption=f"{safe(shot['name'])} is sharing their screen", use_container_width=True)


def _peers_changed(db, interview_id: int) -> bool:
    """True when someone started, restarted or left their camera since the video area was last drawn
    (on this replica, or on another one once its tracks have come through the bridge).

    The timed side panel checks the shared peer tables and asks for a full rerun, so the new participant's
    video appears (or a departed one's disappears) within about two seconds. It also refreshes my own row
    in the database, which the other replicas drop after PEER_STALE_S."""
    rendered = st.session_state.get(_rendered_key(interview_id))
    if rendered is None:
        return False
    actor = st.session_state["actor"]
    me = f"{actor.user_id}:{_session_id()}"
    now = time.time()
    with _PEERS_LOCK:
        table = _PEERS.get(interview_id, {})
        if me in table:
            _PEERS_SEEN[(interview_id, me)] = now
        for key in [k for k in table if now - _PEERS_SEEN.get((interview_id, k), 0) > PEER_STALE_S]:
            table.pop(key)
            _PEERS_SEEN.pop((interview_id, key), None)
        local = dict(table)
    if me in local and local[me][1].state.playing:
        _publish(db, interview_id, me, actor, local[me][1])
    calls = _live_calls(local, me) + _remote_calls(db, interview_id, local)
    return [call for call, *_ in calls] != rendered


def live_panel(interview_id: int, actor: Actor) -> None:
    """Participants, shared screen, reactions and chat, refreshed every two seconds."""

    inline = f"room{interview_id}_panel_inline"

    @st.fragment(run_every=2)
    def _panel() -> None:
        # Only the timed runs check: in a full run the video area was drawn just before, and a player left
        # unanswered there must wait for the next timed run, not rerun the page at once, again and again.
        db = session.db()
        if not st.session_state.pop(inline, False) and _peers_changed(db, interview_id):
            st.rerun(scope="app")
        try:
            pads.heartbeat(db, actor, interview_id)
            here = pads.present(db, actor, interview_id)
            messages = pads.chat(db, actor, interview_id, limit=60)
        except (AccessDenied, NotFound) as exc:
            st.error(str(exc))
            return
        shared_screen(db, interview_id, actor)
        st.markdown("**In the room now:** " + (", ".join(f"{safe(p['name'])} ({p['role']})" for p in here) or "nobody"))
        cols = st.columns(3)
        for i, emoji in enumerate(pads.REACTIONS):
            col = cols[i % 3]
            if col.button(emoji, key=f"room{interview_id}_react_{emoji}"):
                pads.post_chat(db, actor, interview_id, emoji, kind="reaction")
                st.rerun(scope="fragment")
        box = st.container(height=260)
        for m in messages:
            who, said = safe(m["name"] or "someone"), safe(m["body"])
            if m["kind"] == "reaction":
                box.markdown(f"{said} *{who}*")
            elif m["kind"] == "system":
                box.caption(f"{who} {said}")
            else:
                box.markdown(f"**{who}:** {said}")
        with st.form(f"room{interview_id}_chat", clear_on_submit=True, border=False):
            text = st.text_input("Message", key=f"room{interview_id}_chat_text", label_visibility="collapsed",
                                 placeholder="Write to the room")
            if st.form_submit_button("Send") and text.strip():
                try:
                    pads.post_chat(db, actor, interview_id, text)
                except ValueError as exc:
                    st.error(str(exc))

    st.session_state[inline] = True
    _panel()


def question_editor(interview_id: int, actor: Actor, current: str) -> None:
    with st.form(f"room{interview_id}_question"):
        text = st.text_area("Question for the candidate", value=current, height=120)
        if st.form_submit_button("Show to the room"):
            try:
                pads.set_question(session.db(), actor, interview_id, text)
                st.success("The question is on everyone's screen.")
            except (AccessDenied, NotFound, ValueError) as exc:
                st.error(str(exc))


def code_pad(interview_id: int, actor: Actor) -> None:
    """The shared editor: saves on every change with the revision it started from; another participant's
    newer revision is loaded when you have nothing unsaved, otherwise you choose."""

    @st.fragment(run_every=3)
    def _pad() -> None:
        db = session.db()
        ss, p = st.session_state, f"pad{interview_id}_"
        try:
            current = pads.get_pad(db, actor, interview_id)
            question = pads.get_question(db, actor, interview_id)
        except (AccessDenied, NotFound) as exc:
            st.error(str(exc))
            return
        if question:
            st.info(safe(question), icon=":material/quiz:")
        if p + "base" not in ss:
            code = current.code or STARTERS[current.language]
            ss.update({p + "base": current.revision, p + "gen": 0, p + "code": code, p + "saved": current.code,
                       p + "lang": current.language})
        if current.revision != ss[p + "base"] and current.updated_by != actor.user_id:
            if ss[p + "code"] == ss[p + "saved"] or ss.get(p + "take"):
                ss.update({p + "base": current.revision, p + "gen": ss[p + "gen"] + 1, p + "code": current.code,
                           p + "saved": current.code, p + "lang": current.language, p + "take": False})
                st.toast(f"{safe(current.updated_by_name)} updated the code.")
            else:
                st.warning(f"{safe(current.updated_by_name)} saved a newer version (revision {current.revision}) while you "
                           "were editing.")
                keep, take = st.columns(2)
                if take.button("Load their version", key=f"{p}take_btn"):
                    ss[p + "take"] = True
                    st.rerun(scope="fragment")
                if keep.button("Keep mine (save over theirs)", key=f"{p}keep_btn"):
                    saved = pads.save_pad(db, actor, interview_id, ss[p + "code"], ss[p + "lang"],
                                          ss[p + "base"], force=True)
                    ss.update({p + "base": saved.revision, p + "saved": saved.code})
                    st.rerun(scope="fragment")
        langs = available_languages()
        if ss[p + "lang"] not in langs:
            st.warning(f"This pad is in a language this server cannot run ({ss[p + 'lang']}).")
            langs = {**langs, ss[p + "lang"]: ss[p + "lang"]}
        gen = ss[p + "gen"]
        lang = st.selectbox("Language", list(langs), format_func=langs.get, index=list(langs).index(ss[p + "lang"]),
                            key=f"{p}lang_{gen}")
        from streamlit_ace import st_ace

        code = st_ace(value=ss[p + "code"], language=ACE_MODES.get(lang, "python"), theme="chrome", min_lines=14,
                      auto_update=True, key=f"{p}ace_{gen}")
        if code is None:
            code = ss[p + "code"]
        ss[p + "code"] = code
        if code != ss[p + "saved"] or lang != current.language:
            try:
                saved = pads.save_pad(db, actor, interview_id, code, lang, ss[p + "base"])
                ss.update({p + "base": saved.revision, p + "saved": saved.code, p + "lang": lang})
            except pads.PadConflict:
                pass   # shown as a warning on the next refresh, with the choice
            except ValueError as exc:
                st.error(str(exc))
        st.caption(f"Revision {ss[p + 'base']}" + (f" · last saved by {safe(current.updated_by_name)}"
                                                   if current.updated_by_name else ""))
        blocked = unavailable_reason()   # never run code with less isolation than the sandbox promises
        if st.button("Run", type="primary", icon=":material/play_arrow:", key=f"{p}run", disabled=bool(blocked),
                     help=blocked):
            with st.spinner("Running in the sandbox..."):
                try:
                    ss[p + "result"] = run_code(lang, code)
                except (ValueError, SandboxUnavailable) as exc:
                    st.error(str(exc))
        if blocked:
            st.caption(blocked)
        result = ss.get(p + "result")
        if result is not None:
            show_run_result(result)

    _pad()


def show_run_result(result) -> None:
    label = "Compile" if result.phase == "compile" else "Run"
    status = "finished" if result.ok else f"exit code {result.exit_code}"
    if result.killed_reason:
        status = f"stopped ({result.killed_reason.replace('_', ' ')})"
    st.caption(f"{label} {status} in {result.duration_ms / 1000:.2f} s")
    for note in result.notes:
        st.caption(note)
    if result.stdout:
        st.code(result.stdout, language=None)
    if result.stderr:
        st.code(result.stderr, language=None)
    if not result.stdout and not result.stderr:
        st.caption("(no output)")


def replay(db, actor: Actor, interview: dict) -> None:
    """Recordings of one interview, as video players (participants, the company's recruiters, the admin)."""
    rows = [r for r in interview.get("recordings", []) if r["status"] in ("ready", "failed")]
    if not rows:
        st.caption("No recording.")
    for r in rows:
        if r["status"] == "failed":
            st.caption(f"A recording from {r['started_at'][:16]} failed and could not be kept.")
            continue
        try:
            path = recordings.recording_file(db, actor, r["id"])
        except NotFound as exc:
            st.caption(str(exc))
            continue
        st.caption(f"Recording of {r['started_at'][:16].replace('T', ' ')} UTC · {r['duration_s'] or 0:.0f} s")
        st.video(str(path))
