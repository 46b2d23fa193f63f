"""Users and their tokens: only SHA-256 hashes of tokens are stored."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo_service.models import User


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token (tokens are random, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(session: Session, name: str, role: str) -> tuple[User, str]:
    """Add a user with a fresh token; return the user and the token (shown once)."""
    token = secrets.token_urlsafe(32)
    user = User(name=name, role=role, token_hash=hash_token(token))
    session.add(user)
    session.flush()
    return user, token


def user_by_token(session: Session, token: str) -> User | None:
    """The user holding this token, or None."""
    return session.execute(
        select(User).where(User.token_hash == hash_token(token))
    ).scalar_one_or_none()


def user_by_name(session: Session, name: str) -> User | None:
    """The user called `name`, or None."""
    return session.execute(select(User).where(User.name == name)).scalar_one_or_none()
