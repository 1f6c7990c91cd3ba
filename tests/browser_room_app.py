"""Test-only entry point for the browser test: the product's interview pages, with a sign-in shortcut.

`?test_login=<user id>` signs that user in. This file is never part of the product's navigation (Home.py);
it exists so the browser test does not depend on the sign-in page. It refuses to run unless
JOBEXPRESSWAY_TEST_LOGIN=1 is set, which only the test sets.
"""
import logging
import os
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import store  # noqa: E402
from engine.authz import Actor  # noqa: E402

if os.environ.get("JOBEXPRESSWAY_TEST_LOGIN") != "1":
    st.error("Test entry point: disabled.")
    st.stop()
if os.environ.get("JOBEXPRESSWAY_RTC_LOG") and not logging.getLogger("streamlit_webrtc").handlers:
    # Debugging aid: the media stack's own log (ICE, consent, worker life cycle) in a file.
    handler = logging.FileHandler(os.environ["JOBEXPRESSWAY_RTC_LOG"])
    handler.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s"))
    for name, level in (("streamlit_webrtc", logging.DEBUG), ("aioice", logging.INFO), ("aiortc", logging.INFO),
                        ("engine", logging.INFO)):
        logging.getLogger(name).setLevel(level)
        logging.getLogger(name).addHandler(handler)
    if not getattr(sys, "_room_stack_dumps", None):
        # every thread's stack every 15 s: where a session's script run stands when a call stalls
        import faulthandler

        sys._room_stack_dumps = open(os.environ["JOBEXPRESSWAY_RTC_LOG"] + ".stacks", "w")
        faulthandler.dump_traceback_later(15, repeat=True, file=sys._room_stack_dumps)
wanted = st.query_params.get("test_login")
if wanted and "actor" not in st.session_state:
    row = store.one(store.connect(), "SELECT * FROM users WHERE id = ?", [int(wanted)])
    st.session_state["actor"] = Actor(row["id"], row["role"], row["company_id"], row["name"], row["email"])
pages = [st.Page(str(ROOT / "pages" / f"{name}.py"), url_path=name, default=name == "join")
         for name in ("join", "room", "interviews")]
st.navigation(pages, position="hidden").run()
