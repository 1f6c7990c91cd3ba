"""The event loop that carries this process's calls, apart from Streamlit's.

streamlit-webrtc runs every call (aiortc: ICE, DTLS, RTP, the relay's readers, recorders) on Streamlit's own
event loop, the one that also carries every session's websocket: the script runs' messages, the players'
offers and answers. On a loaded machine a call's media work there held back the signalling of the next
call, and a player could wait for its answer until the page gave up (the recruiter never saw the
candidate). ``install()`` gives streamlit-webrtc, and the bridge between replicas, a loop of their own in a
daemon thread: the library already reaches its loop from other threads only through
``run_coroutine_threadsafe``, and takes the loop from ``get_global_event_loop`` in each of its modules.
"""
from __future__ import annotations

import asyncio
import importlib
import threading

# streamlit-webrtc's modules that look the loop up by the name they imported
LIBRARY_MODULES = ("streamlit_webrtc.eventloop", "streamlit_webrtc.webrtc", "streamlit_webrtc.relay",
                   "streamlit_webrtc.mix", "streamlit_webrtc.factory", "streamlit_webrtc.native_webrtc")
_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def media_loop() -> asyncio.AbstractEventLoop:
    """The process's call loop, running in its own thread from the first call on."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="jobexpressway-media-loop", daemon=True).start()
            _loop = loop
        return _loop


def install() -> None:
    """Point streamlit-webrtc at the call loop (idempotent). Must run before its first call or relay: a
    relay made on Streamlit's loop would stay there."""
    for name in LIBRARY_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "get_global_event_loop", None) is not media_loop:
            module.get_global_event_loop = media_loop
