"""A browser tab that goes away while the server sends to it is one INFO line, not an ERROR traceback."""
import logging

import pytest
from uvicorn.protocols.utils import ClientDisconnected
from websockets.exceptions import ConnectionClosedOK

from ui.server_log import MESSAGE, quiet_client_disconnects

STREAMLIT_WS = "streamlit.web.server.starlette.starlette_websocket"   # where "Error sending websocket payload" is


def log_while_sending(exc: BaseException) -> list[logging.LogRecord]:
    """Streamlit's own send loop: ``_LOGGER.exception("Error sending websocket payload")`` in an except."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    log = logging.getLogger(STREAMLIT_WS)
    log.addHandler(handler)
    try:
        try:
            raise exc
        except Exception:
            log.exception("Error sending websocket payload")
    finally:
        log.removeHandler(handler)
    return records


@pytest.mark.parametrize("exc", [ConnectionClosedOK(None, None), ClientDisconnected(),
                                 RuntimeError("Unexpected ASGI message 'websocket.send', after sending 'websocket.close'")])
def test_a_closed_connection_is_one_info_line(exc):
    quiet_client_disconnects()
    quiet_client_disconnects()   # once per process, however often Home.py runs
    (record,) = log_while_sending(exc)
    assert (record.levelname, record.getMessage(), record.exc_info) == ("INFO", MESSAGE, None)
    assert sum(f.__class__.__name__ == "ClientDisconnects" for f in logging.getLogger(STREAMLIT_WS).filters) == 1


def test_other_errors_keep_their_traceback():
    quiet_client_disconnects()
    (record,) = log_while_sending(ZeroDivisionError("a real bug"))
    assert record.levelname == "ERROR" and record.exc_info[0] is ZeroDivisionError
