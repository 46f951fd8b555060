"""Many realistic sources at once, stored exactly as ingestion stores them
(the real extraction pipeline's output), for the fault and torture tests.

``source_ingest`` one by one costs seconds per hundred sources on a busy
machine; these tests need thousands, so the rows are bulk-inserted from the
same pipeline calls and the same field mapping (``source_fields``).
"""

from __future__ import annotations

import hashlib
import random

from django.db import transaction

from claims.figures import claims_figures_refresh
from claims.models import Claim, Evidence
from sources.models import Excerpt, Source
from sources.selectors import fingerprint_for, rule_specs, rules_effective
from sources.services import outlet_get_or_create, source_fields
from sources.text.anchoring import locate_quote
from sources.text.extraction import decode_bytes, extract

OUTLET = "harbourdaily.example"
#: The line the tests' rule drops; the quote below it then moves up.
DESK_LINE = "The southern basin desk reported that pilots stood by at the quay on Tuesday night."
DESK_PATTERN = r"^The southern basin desk reported"
QUOTE = "no ships had been diverted"

_WORDS = [
    *("dock", "workers", "basin", "union", "agreement", "pay", "shift", "terminal"),
    *("loading", "ships", "harbour", "crane", "quay", "tugboat", "pilots", "container"),
    *("berth", "tide", "cargo", "manifest", "customs", "inspection"),
]


def article(i: int, *, paragraphs: int = 2, seed: int = 0) -> str:
    rng = random.Random(i * 7919 + seed)
    filler = "\n\n".join(
        " ".join(rng.choice(_WORDS) for _ in range(50)).capitalize() + ", officials said."
        for _ in range(paragraphs)
    )
    return (
        f"Strike ends at the southern basin, report {i}\n\n"
        f"Dock workers at berth {i} voted on Tuesday to end a nine-day strike, the union said.\n"
        f"{DESK_LINE}\n"
        f"Managers at the terminal said loading would resume at dawn and that {QUOTE}.\n\n"
        f"{filler}\n\nReport {i} ends here.\n"
    )


def sources_bulk(
    n: int, *, paragraphs: int = 2, outlet: str = OUTLET, raws: dict[int, str] | None = None
) -> list[int]:
    """``n`` sources of ``outlet`` with one excerpt each (the quote the desk
    rule moves), each quoted by a pair that disputes one claim; ``raws``
    replaces some articles (e.g. a poison one). Returns the sources' ids."""
    outlet_obj = outlet_get_or_create(domain=outlet)
    specs = rule_specs(rules_effective(outlet_id=outlet_obj.pk))
    fingerprint = fingerprint_for(specs)
    rows = []
    for i in range(n):
        raw = (raws or {}).get(i) or article(i, paragraphs=paragraphs)
        raw_bytes = raw.encode("utf-8")
        result = extract(
            decode_bytes(raw_bytes, declared_charset="utf-8"),
            content_type="text/plain",
            url=None,
            rules=specs,
        )
        rows.append(
            Source(
                raw=raw_bytes,
                raw_charset="utf-8",
                content_type="text/plain",
                content_sha256=hashlib.sha256(raw_bytes).hexdigest(),
                outlet=outlet_obj,
                rules_fingerprint=fingerprint,
                **source_fields(result, {}),
            )
        )
    with transaction.atomic():
        created = Source.objects.bulk_create(rows, batch_size=500)
        excerpts = []
        for source in created:
            quote = locate_quote(source.text, QUOTE)
            excerpts.append(
                Excerpt(
                    source=source,
                    exact=quote.exact,
                    prefix=quote.prefix,
                    suffix=quote.suffix,
                    start=quote.start,
                    end=quote.end,
                )
            )
        Excerpt.objects.bulk_create(excerpts, batch_size=1000)
        claim = Claim.objects.create(text="Ships were diverted from the southern basin")
        Evidence.objects.bulk_create(
            [Evidence(claim=claim, excerpt=e, stance="disputes") for e in excerpts],
            batch_size=1000,
        )
        claims_figures_refresh(claim_ids=[claim.pk])  # bulk_create skips the services
    return [s.pk for s in created]
