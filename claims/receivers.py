"""Adapters from ``sources`` signals to claims services (no logic here)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import services
from .figures import claims_figures_refresh
from .models import Evidence


def on_excerpts_need_check(*, excerpt_ids: Iterable[int], **_: Any) -> None:
    services.claims_excerpts_need_check(excerpt_ids=excerpt_ids)


def on_copies_changed(*, source_ids: Iterable[int], **_: Any) -> None:
    """Copies count as one voice: the claims quoting these sources count again."""
    claims_figures_refresh(
        claim_ids=Evidence.objects.filter(excerpt__source_id__in=list(source_ids))
        .order_by()
        .values_list("claim_id", flat=True)
        .distinct()
    )
