"""Password hashing (pbkdf2) and signed, expiring JWTs (HS256)."""

from __future__ import annotations

import hashlib
import hmac
import os
import time

import jwt

from agent_platform.errors import AuthError

_ITERATIONS = 100_000


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    check = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(check.hex(), digest)


def issue_token(
    user_id: str, username: str, *, secret: str, ttl_seconds: int = 3600, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": user_id, "username": username, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_token(token: str | None, *, secret: str) -> dict:
    if not token:
        raise AuthError("missing token")
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("token expired") from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise AuthError("invalid token: its subject ('sub') is empty")
    return claims
