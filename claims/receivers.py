"""Adapters from ``sources`` signals to claims services (no logic here)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import services


def on_excerpts_need_check(*, excerpt_ids: Iterable[int], **_: Any) -> None:
    services.claims_excerpts_need_check(excerpt_ids=excerpt_ids)
