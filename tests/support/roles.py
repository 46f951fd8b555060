"""Users of each of the four roles, made quickly (no password: no hashing)."""

from __future__ import annotations

from django.contrib.auth.models import Group, User


def user_of_role(role: str, *, prefix: str = "m") -> User | None:
    """A new user of ``role`` (anonymous | viewer | analyst | editor); None
    for anonymous."""
    if role == "anonymous":
        return None
    user = User.objects.create_user(username=f"{prefix}-{role}")
    if role in {"analyst", "editor"}:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
