"""What the claims pages' tests share: the articles they ingest and the
factory-backed helpers that build their data."""

from __future__ import annotations

import lxml.html

from claims.models import Claim, Evidence
from claims.services import evidence_link
from tests.factories import ARTICLE, ClaimFactory, SourceFactory

SCRIPT_ARTICLE = "\n".join(
    [
        "Council site defaced",
        "",
        'The attacker hid a <script>alert("x")</script> snippet in a comment on the council '
        "website, investigators said on Tuesday, and the page showed it to every visitor for "
        "two days.",
        "",
        "The council denied that any personal data had been taken from the server during the "
        "attack, according to Mayor Jane Porter.",
        "",
    ]
)


FOUND_SENTENCE = (
    "Separately, a spokesman for the Kelso terminal confirmed that the northern quay reopened "
    "after repairs to two cranes on Monday."
)


OTHER_ARTICLE = "\n".join(
    [
        "Harbour strike ends",
        "",
        "Dockers at Leith returned to work on Friday after a three-day strike over pay, the "
        "union said in a statement to members.",
        "",
        FOUND_SENTENCE,
        "",
    ]
)


def make_source(raw: str = ARTICLE, *, n: int = 0, outlet: str = "harbourdaily.example", **kwargs):
    suffix = f"\nReport {n} on the terminal.\n" if n else ""
    return SourceFactory(raw=raw + suffix, outlet_domain=outlet, **kwargs)


def link_evidence(claim, source, exact, stance="asserts", user=None, **kwargs) -> Evidence:
    return evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=stance,
        exact=exact,
        start=source.text.index(exact),
        user=user,
        **kwargs,
    )


def make_claim(text="The northern quay reopened after repairs", user=None) -> Claim:
    return ClaimFactory(text=text, created_by=user)


def tree_of(response):
    return lxml.html.fromstring(response.content.decode())


def article_of(response):
    return tree_of(response).get_element_by_id("article")


def contested_claim(analyst):
    source = make_source()
    claim = make_claim("The repairs were delayed")
    link_evidence(claim, source, "a week of repairs", "asserts", user=analyst)
    link_evidence(
        claim, source, "denied that the repairs had been delayed", "disputes", user=analyst
    )
    return claim
