"""Unguessable tokens for private links: the token goes to the patient, only its hash is kept."""

import hashlib
import secrets


def hash_token(token: str) -> str:
    # The token carries 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def plausible_token(token: str) -> bool:
    """Cheap check before a database lookup: a real token is short and never empty."""
    return bool(token) and len(token) <= 100
