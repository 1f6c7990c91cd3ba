"""WebRTC settings: ICE servers from the environment, and tune_media_stack() for the server's media stack.

ICE servers are JSON in WEBRTC_ICE_SERVERS. The default, no ICE servers, connects browsers and the server
on one machine or a LAN (host candidates only). Across the internet set STUN and usually TURN, e.g.
WEBRTC_ICE_SERVERS='[{"urls": ["stun:stun.example.org:3478"]}, {"urls": ["turn:turn.example.org:3478"],
"username": "u", "credential": "p"}]'.

tune_media_stack() adjusts aiortc and aioice (process-wide, idempotent) so that calls relayed by a small,
busy server stay up: every call of the process shares one asyncio event loop (its own since
engine.meetings.media_loop; Streamlit's too before). Each change was found in the logs of two-person calls
that froze or dropped on a 2-core machine; see docs/meetings.md.
"""
from __future__ import annotations

import json
import math
import os
import re


def ice_servers() -> list[dict]:
    raw = os.environ.get("WEBRTC_ICE_SERVERS", "").strip()
    if not raw:
        return []
    try:
        servers = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"WEBRTC_ICE_SERVERS is not valid JSON: {exc}") from None
    if not isinstance(servers, list) or not all(isinstance(s, dict) and "urls" in s for s in servers):
        raise ValueError('WEBRTC_ICE_SERVERS must be a JSON list of {"urls": ...} objects.')
    return servers


def rtc_configuration() -> dict:
    return {"iceServers": ice_servers()}


# aiortc encodes every outgoing VP8 stream at a constant 500 kbps by default (250 kbps at the least), which
# for 320x240 video is about four RTP packets a frame, each encrypted and sent by Python on the one event
# loop that also serves Streamlit. A lower rate keeps 320x240 sharp and roughly halves that work.
VP8_DEFAULT_BPS = 200_000
VP8_MIN_BPS = 80_000
VP8_MAX_BPS = 350_000


aiortc_audio_level_dbov = None   # aiortc's own function, kept when it is replaced (tests compare the two)


def _ice_ufrags(sdp: str) -> set[str]:
    return set(re.findall(r"^a=ice-ufrag:(\S+)", sdp or "", flags=re.MULTILINE))


def answers_offer(peer_connection, offer: dict | None) -> bool:
    """Whether the server's peer connection was made for this browser offer (or there is no offer to answer).

    Each browser connection has its own ICE username fragment, and the server's copy of the remote
    description keeps it (aiortc rewrites the rest of the SDP text, so the texts cannot be compared)."""
    if not offer or not offer.get("sdp"):
        return True
    remote = getattr(peer_connection, "remoteDescription", None)
    if remote is None:
        return True   # not yet applied: the offer being processed is this one
    return bool(_ice_ufrags(offer["sdp"]) & _ice_ufrags(remote.sdp))


def audio_level_dbov(frame) -> int:
    """RFC 6465 audio level of a signed 16-bit frame, as aiortc's compute_audio_level_dbov, with numpy.

    aiortc computes it for every outgoing audio packet (50 a second per listener) in a Python loop over
    the samples, on the event loop that carries every call."""
    import numpy as np

    samples = np.frombuffer(bytes(frame.planes[0]), dtype=np.int16).astype(np.float64)
    if frame.samples <= 0 or samples.size == 0:
        return -127
    rms = float(np.sqrt(np.dot(samples, samples) / (frame.samples * 32767.0 * 32767.0)))
    if rms <= 0:
        return -127
    return round(min(0.0, max(-127.0, 20 * math.log10(rms))))


CONSENT_INTERVAL_S = 5
CONSENT_TIMEOUT_S = 30       # RFC 7675: consent expires 30 s after the last answered check
CONSENT_RETRANSMISSIONS = 3  # each check waits for its answer 0.5 + 1 + 2 + 4 = 7.5 s


async def _query_consent(self) -> None:
    """aioice's Connection.query_consent, with RFC 7675's expiry rule.

    aioice gives each consent check 0.5 s and no retransmission, and closes the call after six misses in a
    row. When the server's event loop (Streamlit and every call share it) runs a second behind, every
    answer is "late" and working calls were closed after 30 s. Here a check is retransmitted and waited for
    7.5 s, checks overlap, and the connection closes only when no check at all was answered for 30 s."""
    import asyncio
    import random
    import time

    from aioice import ice, stun

    assert self.remote_password is not None
    key = self.remote_password.encode("utf8")
    last_answer = time.monotonic()
    pending: set = set()

    async def check(pair) -> None:
        nonlocal last_answer
        try:
            await pair.protocol.request(self.build_request(pair, nominate=False), pair.remote_addr,
                                        integrity_key=key, retransmissions=CONSENT_RETRANSMISSIONS)
            last_answer = time.monotonic()
        except (stun.TransactionError, ConnectionError, OSError):
            pass

    try:
        while True:
            await asyncio.sleep(CONSENT_INTERVAL_S * (0.8 + 0.4 * random.random()))
            for pair in list(self._nominated.values()):
                task = asyncio.ensure_future(check(pair))
                pending.add(task)
                task.add_done_callback(pending.discard)
            if time.monotonic() - last_answer > CONSENT_TIMEOUT_S:
                ice.logger.info("Connection consent to send expired (no answer for %d s)", CONSENT_TIMEOUT_S)
                self._query_consent_task = None
                return await self.close()
    finally:
        for task in list(pending):
            task.cancel()


SOCKET_BUFFER_BYTES = 2 * 1024 * 1024
DATAGRAMS_PER_WAKEUP = 64


def _drain_datagrams(transport) -> None:
    """asyncio's datagram transport reads one datagram each time its socket is ready, i.e. once per turn of
    the event loop. A camera sends 70-90 packets a second, and with Streamlit and every call on the loop a
    turn took 20-70 ms here, so each media socket's queue stayed full (0.5 MB, seconds of delay) and the
    kernel dropped the excess, the ICE checks among it. This reads what is waiting, up to a bound, per turn;
    the handling of each datagram is asyncio's own."""
    for _ in range(DATAGRAMS_PER_WAKEUP):
        if transport._conn_lost:
            return
        try:
            data, addr = transport._sock.recvfrom(transport.max_size)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            transport._protocol.error_received(exc)
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            transport._fatal_error(exc, "Fatal read error on datagram transport")
            return
        transport._protocol.datagram_received(data, addr)


def _tuned_connection_made(connection_made):
    """Wrap aioice's StunProtocol.connection_made: bigger socket buffers, and a transport that drains its
    socket on each wake-up (see _drain_datagrams).

    The kernel's default receive buffer (about 200 KB, some 90 packets) overflowed whenever the loop fell
    behind: during failing two-person calls a third of the UDP datagrams were dropped (Udp6RcvbufErrors),
    and the browser, its consent checks unanswered, declared the connection lost."""
    import socket
    from asyncio import selector_events

    def wrapped(self, transport) -> None:
        connection_made(self, transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            for option in (socket.SO_RCVBUF, socket.SO_SNDBUF):
                try:
                    sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER_BYTES)
                except OSError:   # capped by net.core.rmem_max / wmem_max: the kernel keeps what it allows
                    pass
        if isinstance(transport, selector_events._SelectorDatagramTransport) and all(
                hasattr(transport, name) for name in ("_conn_lost", "_sock", "_sock_fd", "_add_reader", "_loop")):
            # asyncio registers its own reader right after connection_made; replace it just after that.
            transport._loop.call_soon(transport._add_reader, transport._sock_fd, _drain_datagrams, transport)

    wrapped._jobexpressway = True
    return wrapped


def _resilient_encode(encode):
    """Wrap aiortc's Vp8Encoder.encode so that one refused frame does not end a stream.

    libvpx refuses some frames of live sources (here: a timestamp out of its range, e.g. negative), and
    aiortc's sender then logs the error and stops sending for good while the connection stays up: the
    viewer's video froze. The wrapper starts a fresh encoder with a keyframe for that frame, and if it is
    still refused, encodes a copy stamped just after the last good frame (frames are shared by every
    subscriber of the relay, so the original is never changed)."""
    import fractions

    import av

    def wrapped(self, frame, force_keyframe: bool = False):
        try:
            result = encode(self, frame, force_keyframe)
        except av.error.FFmpegError:
            self.codec = None
            try:
                result = encode(self, frame, True)
            except av.error.FFmpegError:
                self.codec = None
                copy = av.VideoFrame.from_ndarray(frame.to_ndarray(format="yuv420p"), format="yuv420p")
                copy.time_base = fractions.Fraction(1, 90000)
                copy.pts = getattr(self, "_jx_last_pts", 0) + 3000
                result = encode(self, copy, True)
                frame = copy
        if frame.pts is not None and frame.time_base is not None:
            self._jx_last_pts = max(0, int(frame.pts * frame.time_base * 90000))
        return result

    wrapped._jobexpressway = True
    wrapped.__wrapped_original__ = encode
    return wrapped


def tune_media_stack() -> None:
    """Lighter, sturdier media handling for this process (idempotent): aiortc's VP8 bitrate bounds (module
    constants it reads when an encoder starts and on each bandwidth report from the browser), a vectorised
    audio level, media sockets drained on each wake-up and with larger buffers, ICE consent that tolerates
    a slow event loop, a VP8 encoder that survives a frame libvpx refuses, and the calls on an event loop
    of their own (``engine.meetings.media_loop``)."""
    from aioice import ice
    from aiortc import rtp
    from aiortc.codecs import vpx

    from engine.meetings import media_loop

    media_loop.install()   # calls on a loop of their own, not Streamlit's
    vpx.DEFAULT_BITRATE, vpx.MIN_BITRATE, vpx.MAX_BITRATE = VP8_DEFAULT_BPS, VP8_MIN_BPS, VP8_MAX_BPS
    if not getattr(vpx.Vp8Encoder.encode, "_jobexpressway", False):
        vpx.Vp8Encoder.encode = _resilient_encode(vpx.Vp8Encoder.encode)
    if rtp.compute_audio_level_dbov is not audio_level_dbov:
        global aiortc_audio_level_dbov
        aiortc_audio_level_dbov = rtp.compute_audio_level_dbov
        rtp.compute_audio_level_dbov = audio_level_dbov
    ice.Connection.query_consent = _query_consent
    if not getattr(ice.StunProtocol.connection_made, "_jobexpressway", False):
        ice.StunProtocol.connection_made = _tuned_connection_made(ice.StunProtocol.connection_made)
