"""The media-stack tuning of engine.meetings.rtc: same audio levels as aiortc, lower VP8 rates, bigger UDP
buffers, and ICE consent that survives late answers but still expires when nobody answers."""
from __future__ import annotations

import asyncio
import socket

import numpy as np
import pytest

from engine.meetings import rtc


def audio_frame(amplitude: int, layout: str, seed: int = 1):
    import av

    channels = 2 if layout == "stereo" else 1
    data = (np.random.default_rng(seed).uniform(-1, 1, 960 * channels) * amplitude).astype(np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(data, format="s16", layout=layout)
    frame.sample_rate = 48000
    return frame


@pytest.mark.parametrize("layout", ["mono", "stereo"])
@pytest.mark.parametrize("amplitude", [0, 3, 200, 5000, 32767])
def test_audio_level_matches_aiortc(amplitude, layout):
    from aiortc import rtp

    original = rtc.aiortc_audio_level_dbov or rtp.compute_audio_level_dbov
    assert original is not rtc.audio_level_dbov
    frame = audio_frame(amplitude, layout)
    assert rtc.audio_level_dbov(frame) == original(frame)


def test_tune_media_stack_sets_rates_and_is_idempotent():
    from aioice import ice
    from aiortc import rtp
    from aiortc.codecs import vpx

    rtc.tune_media_stack()
    wrapped = ice.StunProtocol.connection_made
    rtc.tune_media_stack()
    assert (vpx.DEFAULT_BITRATE, vpx.MIN_BITRATE, vpx.MAX_BITRATE) == (200_000, 80_000, 350_000)
    assert vpx.Vp8Encoder().target_bitrate == 200_000
    assert rtp.compute_audio_level_dbov is rtc.audio_level_dbov
    assert ice.Connection.query_consent is rtc._query_consent
    assert ice.StunProtocol.connection_made is wrapped   # not wrapped twice


def test_media_sockets_get_bigger_receive_buffers():
    from aioice import ice

    rtc.tune_media_stack()

    async def open_one() -> int:
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(lambda: ice.StunProtocol(None),
                                                                  local_addr=("127.0.0.1", 0))
        try:
            return transport.get_extra_info("socket").getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        finally:
            transport.close()

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as plain:
        default = plain.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    try:
        limit = int(open("/proc/sys/net/core/rmem_max").read())
    except OSError:
        limit = None
    got = asyncio.run(open_one())
    if limit is not None and limit <= default:
        pytest.skip("the kernel does not allow larger buffers here")
    assert got > default


class FakePair:
    def __init__(self, answer):
        self.remote_addr = ("127.0.0.1", 9)
        self.protocol = self
        self.answer = answer
        self.requests = 0

    async def request(self, request, addr, integrity_key=None, retransmissions=None):
        self.requests += 1
        await self.answer()


class FakeConnection:
    def __init__(self, pair):
        self.remote_password = "pw"
        self._nominated = {1: pair}
        self._query_consent_task = "running"
        self.closed = False

    def build_request(self, pair, nominate):
        return object()

    async def close(self):
        self.closed = True


def run_consent(answer, seconds: float, monkeypatch) -> FakeConnection:
    monkeypatch.setattr(rtc, "CONSENT_INTERVAL_S", 0.05)
    monkeypatch.setattr(rtc, "CONSENT_TIMEOUT_S", 0.5)
    conn = FakeConnection(FakePair(answer))

    async def main():
        task = asyncio.ensure_future(rtc._query_consent(conn))
        try:
            await asyncio.wait_for(asyncio.shield(task), seconds)
        except asyncio.TimeoutError:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    asyncio.run(main())
    return conn


def test_consent_survives_late_answers(monkeypatch):
    async def late():          # each answer comes long after aioice's own 0.5 s limit would have passed
        await asyncio.sleep(0.3)

    conn = run_consent(late, 2.0, monkeypatch)
    assert not conn.closed
    assert conn._nominated[1].requests > 10


def test_consent_expires_when_nothing_answers(monkeypatch):
    from aioice import stun

    async def silent():
        await asyncio.sleep(0.01)
        raise stun.TransactionTimeout()

    conn = run_consent(silent, 3.0, monkeypatch)
    assert conn.closed
    assert conn._query_consent_task is None


def test_media_sockets_are_drained_on_each_wakeup():
    """Fifty datagrams waiting on an aioice socket all arrive, read by the draining reader (asyncio's own
    reads one datagram per turn of the loop)."""
    from aioice import ice

    rtc.tune_media_stack()
    received = []

    class Collecting(ice.StunProtocol):
        def datagram_received(self, data, addr):
            received.append(data)

    async def main():
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: Collecting(None), local_addr=("127.0.0.1", 0))
        try:
            await asyncio.sleep(0)   # let the reader be re-registered
            fd = transport.get_extra_info("socket").fileno()
            handle = loop._selector.get_key(fd).data[0]
            assert handle._callback is rtc._drain_datagrams
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
                for i in range(50):
                    sender.sendto(b"x%d" % i, transport.get_extra_info("sockname"))
            for _ in range(50):
                if len(received) == 50:
                    break
                await asyncio.sleep(0.01)
        finally:
            transport.close()

    asyncio.run(main())
    assert received == [b"x%d" % i for i in range(50)]


def video_frame(pts: int):
    import fractions

    import av

    frame = av.VideoFrame.from_ndarray(np.zeros((240, 320, 3), np.uint8), format="rgb24").reformat(format="yuv420p")
    frame.pts, frame.time_base = pts, fractions.Fraction(1, 90000)
    return frame


def test_vp8_encoder_survives_frames_libvpx_refuses():
    """A negative or huge timestamp makes libvpx refuse the frame; aiortc's sender would stop for good. With
    the tuning the encoder keeps producing packets."""
    from aiortc.codecs import vpx

    rtc.tune_media_stack()
    plain = vpx.Vp8Encoder()
    vpx.Vp8Encoder.encode.__wrapped_original__(plain, video_frame(3000))
    with pytest.raises(Exception):   # what aiortc alone does with such a frame
        vpx.Vp8Encoder.encode.__wrapped_original__(plain, video_frame(-5))
    encoder = vpx.Vp8Encoder()
    assert encoder.encode(video_frame(3000))[0]
    for bad in (-5, 2 ** 62):
        payloads, _ = encoder.encode(video_frame(bad))
        assert payloads
    assert encoder.encode(video_frame(9000))[0]


def test_calls_run_on_an_event_loop_of_their_own():
    """streamlit-webrtc ran every call on Streamlit's own event loop, which also carries the sessions'
    websockets: on a loaded machine a call's media work held back the next player's offer and answer (the
    recruiter never saw the candidate). After tune_media_stack the library's modules find the calls' loop,
    running in a thread of its own."""
    import importlib
    import threading

    from engine.meetings import media_loop

    rtc.tune_media_stack()
    loop = media_loop.media_loop()
    for name in media_loop.LIBRARY_MODULES:
        assert importlib.import_module(name).get_global_event_loop() is loop, name

    async def where() -> str:
        return threading.current_thread().name

    assert asyncio.run_coroutine_threadsafe(where(), loop).result(timeout=30) == "jobexpressway-media-loop"
    assert threading.current_thread().name != "jobexpressway-media-loop"
    rtc.tune_media_stack()   # idempotent: the same loop
    assert media_loop.media_loop() is loop


def test_a_peer_connection_answers_only_the_offer_it_was_made_for():
    """A player that drops and offers again must get a new server connection: the one made for its last
    offer does not answer the new one (real aiortc offers, so the SDP the server keeps is aiortc's rewrite)."""
    from aiortc import RTCPeerConnection

    async def scenario():
        first, second, server = RTCPeerConnection(), RTCPeerConnection(), RTCPeerConnection()
        try:
            offers = []
            for browser in (first, second):
                browser.addTransceiver("video", direction="recvonly")
                await browser.setLocalDescription(await browser.createOffer())
                offers.append({"sdp": browser.localDescription.sdp, "type": "offer"})
            assert rtc.answers_offer(server, offers[0])   # nothing applied yet: the offer being processed
            await server.setRemoteDescription(first.localDescription)
            return [rtc.answers_offer(server, offer) for offer in offers]
        finally:
            for pc in (first, second, server):
                await pc.close()

    assert asyncio.run(scenario()) == [True, False]
    assert rtc.answers_offer(object(), None) and rtc.answers_offer(object(), {"sdp": ""})
