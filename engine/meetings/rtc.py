"""WebRTC settings from the environment: ICE servers as JSON in WEBRTC_ICE_SERVERS.

The default, no ICE servers, connects browsers and the server on one machine or a LAN (host candidates
only). Across the internet set STUN and usually TURN, e.g.
WEBRTC_ICE_SERVERS='[{"urls": ["stun:stun.example.org:3478"]}, {"urls": ["turn:turn.example.org:3478"],
"username": "u", "credential": "p"}]'.
"""
from __future__ import annotations

import json
import os


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
