"""factory_boy factories. Sources are made through the real ingest service so
their text and metadata are what the pipeline produces."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from claims.figures import claims_figures_refresh
from claims.models import Claim, Evidence, Stance
from sources.models import Excerpt, ExtractionRule, Outlet, Source
from sources.services import source_ingest
from sources.text.anchoring import locate_quote

ARTICLE = """Port officials reopen the northern quay after a week of repairs

By Mara Lindqvist
Published 3 March 2026

The northern quay of the Kelso grain terminal reopened on Monday after a week of repairs, the port authority said in a statement.
Engineers replaced two damaged cranes and rebuilt a section of the loading ramp, according to the harbour master, Tomas Greer.
"We are back to full capacity," Greer told reporters at the gate. Shipping agents said the backlog would take ten days to clear.
The operator of the terminal denied that the repairs had been delayed by a dispute with contractors.
"""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("domain",)

    domain = factory.Sequence(lambda n: f"outlet{n}.example")
    name = factory.LazyAttribute(lambda o: o.domain.split(".")[0].title())


class SourceFactory(factory.Factory):
    """Builds a Source through ``source_ingest`` (dedup, extraction, outlet)."""

    class Meta:
        model = Source

    raw = factory.Sequence(lambda n: ARTICLE + f"\nReport number {n} on the terminal.\n")
    content_type = "text/plain"
    outlet_domain = "harbourdaily.example"
    url = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Source:
        return source_ingest(**kwargs).source

    @classmethod
    def _build(cls, model_class, *args, **kwargs):  # pragma: no cover - always created
        raise NotImplementedError("SourceFactory only creates (through source_ingest).")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"The northern quay was closed for repairs, report {n}")


class ExcerptFactory(factory.django.DjangoModelFactory):
    """An excerpt over the first occurrence of ``exact`` in its source's text."""

    class Meta:
        model = Excerpt
        exclude = ("quote",)

    source = factory.SubFactory(SourceFactory)
    exact = "the port authority said in a statement"
    quote = factory.LazyAttribute(lambda o: locate_quote(o.source.text, o.exact))
    start = factory.LazyAttribute(lambda o: o.quote.start)
    end = factory.LazyAttribute(lambda o: o.quote.end)
    prefix = factory.LazyAttribute(lambda o: o.quote.prefix)
    suffix = factory.LazyAttribute(lambda o: o.quote.suffix)
    selected = factory.LazyAttribute(lambda o: o.quote.exact)
    selected_prefix = factory.LazyAttribute(lambda o: o.quote.prefix)
    selected_suffix = factory.LazyAttribute(lambda o: o.quote.suffix)
    selected_start = factory.LazyAttribute(lambda o: o.quote.start)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    excerpt = factory.SubFactory(ExcerptFactory)
    stance = Stance.ASSERTS
    attributed_to = "the port authority"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the services do: the claim's stored figures count the new pair.
        evidence = super()._create(model_class, *args, **kwargs)
        claims_figures_refresh(claim_ids=[evidence.claim_id])
        return evidence


class ExtractionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtractionRule

    name = factory.Sequence(lambda n: f"rule {n}")
    kind = "drop_lines"
    pattern = r"^Advertisement$"
    position = factory.Sequence(lambda n: (n + 1) * 10)
