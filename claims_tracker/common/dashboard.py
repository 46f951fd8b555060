"""What the dashboard shows a user: counts, and what needs their attention."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser


def dashboard_context(*, user: AbstractBaseUser) -> dict[str, Any]:
    from claims.models import Claim
    from sources.models import Source

    return {
        "source_count": Source.objects.count(),
        "claim_count": Claim.objects.count(),
    }
