"""Shared setup for the resume tests: users straight into the users table (accounts are another area)."""
from __future__ import annotations

import io

from pypdf import PdfReader

from engine.authz import Actor
from engine.store import insert_row, utcnow


def add_user(db, name="José Müller", email="jose@example.com", role="candidate", **extra) -> Actor:
    now = utcnow()
    uid = insert_row(db, "users", {"email": email, "password_hash": "x", "role": role, "name": name,
                                   "created_at": now, "updated_at": now, **extra})
    return Actor(uid, role, None, name, email)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)
