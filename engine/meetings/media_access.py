"""What to tell a participant whose browser keeps the camera or microphone from the interview room, and how
to allow it in their browser. The page learns the permission state from a small component in the browser."""
from __future__ import annotations

HOW_TO_ALLOW = {
    "Chrome": "In Chrome, click the camera icon at the right of the address bar (or the site icon at its left), "
              "set Camera and Microphone to Allow, and reload the page.",
    "Edge": "In Edge, click the lock icon at the left of the address bar, open Permissions for this site, set "
            "Camera and Microphone to Allow, and reload the page.",
    "Firefox": "In Firefox, click the crossed-out camera icon in the address bar, remove the Blocked entries for "
               "the camera and microphone, and reload the page.",
    "Safari": "In Safari, open Safari > Settings for This Website (or Settings > Websites > Camera and "
              "Microphone), choose Allow, and reload the page.",
}


def browser_of(user_agent: str | None) -> str | None:
    """The browser family named in a User-Agent header (None when it is none of the four)."""
    ua = user_agent or ""
    if "Edg/" in ua:
        return "Edge"
    if "Firefox/" in ua or "FxiOS/" in ua:
        return "Firefox"
    if "Chrome/" in ua or "Chromium/" in ua or "CriOS/" in ua:
        return "Chrome"
    if "Safari/" in ua:
        return "Safari"
    return None


def blocked_message(state: dict | None, user_agent: str | None) -> str | None:
    """The explanation to show, or None while nothing is blocked. ``state`` is the component's report:
    {"api": bool, "camera": "granted|prompt|denied|unknown", "microphone": ...}."""
    if not state:
        return None
    if state.get("api") is False:
        return ("This browser offers no camera to this page: it is not opened over https (or on this computer "
                "as localhost). Open the room through its https address. Chat and the code pad work without video.")
    blocked = [name for name in ("camera", "microphone") if state.get(name) == "denied"]
    if not blocked:
        return None
    browser = browser_of(user_agent)
    how = [HOW_TO_ALLOW[browser]] if browser else [HOW_TO_ALLOW[b] for b in HOW_TO_ALLOW]
    return (f"Your browser blocks the {' and the '.join(blocked)} for this site, so your video cannot start. "
            + " ".join(how) + " Then press Start camera again. Chat and the code pad work without video.")
