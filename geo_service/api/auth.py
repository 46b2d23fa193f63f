"""Bearer tokens: the user behind a token, and role checks."""

from __future__ import annotations

from typing import Any

from apiflask import HTTPTokenAuth

from geo_service.db import get_session
from geo_service.errors import ApiError
from geo_service.models import User
from geo_service.queries.users import user_by_token

auth = HTTPTokenAuth(scheme="Bearer", description="A token from `geo-service users create`.")


@auth.verify_token
def verify_token(token: str) -> User | None:
    """The user for a token, or None (→ 401)."""
    if not token:
        return None
    return user_by_token(get_session(), token)


@auth.get_user_roles
def user_roles(user: User) -> list[str]:
    """A user's roles for `auth_required(roles=…)`."""
    return [user.role]


@auth.error_processor
def auth_error(error: Any) -> Any:
    """401/403 from the auth layer in the common envelope."""
    if error.status_code == 403:
        code, message = "forbidden", "Your role may not do this."
    else:
        code, message = "unauthorized", "A valid 'Authorization: Bearer <token>' header is needed."
    body = {"error": {"code": code, "message": message, "details": {}}}
    return body, error.status_code, error.headers


def current_user() -> User:
    """The authenticated user of this request (inside an auth_required view)."""
    user = auth.current_user
    if not isinstance(user, User):  # only reachable if a view forgot auth_required
        raise ApiError(401, "unauthorized", "Authentication is required.")
    return user


def may_change(user: User, owner_id: int | None) -> bool:
    """Owners and admins may change or delete a thing."""
    return user.role == "admin" or (owner_id is not None and owner_id == user.id)
