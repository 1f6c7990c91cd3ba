"""Keep the server log for real problems: a browser tab that closes while the server is still sending to it
(a fragment's timed run, a video call's signalling) made Streamlit log "Error sending websocket payload" with
the closed connection's traceback (websockets' ConnectionClosed, uvicorn's ClientDisconnected, or the ASGI
"send after close" RuntimeError). That is a visitor leaving, not a fault: it becomes one INFO line."""
from __future__ import annotations

import logging

LOGGERS = ("streamlit.web.server.starlette.starlette_websocket", "asyncio", "uvicorn.error")
DISCONNECTS = {"ConnectionClosed", "ClientDisconnected", "WebSocketDisconnect", "ConnectionResetError",
               "BrokenPipeError", "StreamClosedError", "WebSocketClosedError"}
MESSAGE = "A browser tab disconnected while the server was sending to it."


def is_disconnect(exc: BaseException | None) -> bool:
    """The connection to the browser was gone (by exception class, or the ASGI server's send-after-close)."""
    while exc is not None:
        if any(cls.__name__ in DISCONNECTS for cls in type(exc).__mro__):
            return True
        if isinstance(exc, RuntimeError) and "close" in str(exc) and "websocket" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class ClientDisconnects(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and record.exc_info and is_disconnect(record.exc_info[1]):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args, record.exc_info, record.exc_text = MESSAGE, (), None, None
        return True


_FILTER = ClientDisconnects()


def quiet_client_disconnects() -> None:
    """Install the filter once per process (every rerun of Home.py calls this)."""
    for name in LOGGERS:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)
