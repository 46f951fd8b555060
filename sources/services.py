"""Writes of sources: ingestion (every entry point goes through
``source_ingest``), excerpts, and re-parsing under changed rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims_tracker.common.changes import ChangeSubject, changes_record
from claims_tracker.common.errors import ApplicationError
from sources.text.anchoring import Quote, locate_quote, same_words
from sources.text.canonical import canonicalize_url, domain_of, without_credentials
from sources.text.errors import TextError
from sources.text.extraction import ExtractionResult, decode_bytes, extract, sniff_content_type

from .copies import source_copies_update
from .errors import application_errors
from .models import AnchorStateChoices, ContentType, Excerpt, Outlet, Source, SourceStatus
from .selectors import (
    fingerprint_for,
    outlet_domain_key,
    rule_specs,
    rules_effective,
    source_find_duplicate,
)

logger = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm")
ALLOWED_CONTENT_TYPES = {ContentType.HTML.value, ContentType.TEXT.value}


@dataclass(frozen=True)
class IngestResult:
    source: Source
    created: bool


def outlet_get_or_create(*, domain: str, name: str = "") -> Outlet:
    """The outlet of a domain or URL as a person typed it ("www.Example.com",
    "https://example.com/x"), created if new."""
    domain = outlet_domain_key(domain)
    if not domain or "." not in domain or " " in domain:
        raise ApplicationError(f"“{domain}” is not a domain name (expected e.g. example.com).")
    outlet, _ = Outlet.objects.get_or_create(domain=domain, defaults={"name": name or domain})
    return outlet


def content_type_for_filename(name: str) -> str | None:
    """``text/html`` for an .html/.htm file; None otherwise (the caller sniffs
    the content, or takes it as plain text)."""
    return "text/html" if (name or "").lower().endswith(HTML_SUFFIXES) else None


def ingest_check_size(size: int) -> None:
    """Refuse input over ``INGEST_MAX_BYTES`` (413), before reading it all."""
    limit = settings.INGEST_MAX_BYTES
    if size > limit:
        raise ApplicationError(
            f"The input is {size:,} bytes; the limit is {limit:,} bytes (INGEST_MAX_BYTES).",
            code="too_large",
            status=413,
        )


def source_fields(result: ExtractionResult, overrides: dict) -> dict[str, object]:
    """The source fields an extraction result gives, with what the person who
    ingested it said (``overrides``: title, published_at) winning: used by
    ingestion and by every re-parse, so both store the same thing."""
    published_at = (
        dt.datetime.fromisoformat(overrides["published_at"])
        if overrides.get("published_at")
        else result.published_at
    )
    given = {"source": "analyst", "confidence": 1.0}
    provenance = dict(result.provenance)
    provenance.update({name: given for name in ("title", "published_at") if overrides.get(name)})
    return {
        "title": (overrides.get("title") or result.title or "")[:2000],
        "authors": list(result.authors),
        "published_at": published_at,
        "language": (result.language or "")[:12],
        "site_name": (result.site_name or "")[:200],
        "metadata_provenance": provenance,
        "text": result.text,
        "status": SourceStatus.PARSED,
        "parse_error": "",
    }


@application_errors()
def source_ingest(
    *,
    raw: bytes | str,
    content_type: str | None = None,
    url: str | None = None,
    fetched_url: str = "",
    charset: str | None = None,
    outlet_domain: str | None = None,
    title: str | None = None,
    published_at: dt.datetime | None = None,
    filename: str = "",
    user: AbstractBaseUser | None = None,
) -> IngestResult:
    """Store one input and its extraction; a duplicate (same canonical URL or
    the same bytes) returns the existing source and stores nothing.

    Input the pipeline cannot make anything of (empty, too large, a content
    type we do not read) is refused with an ``ApplicationError``. A crash of
    the extractor on odd input keeps the raw input with status ``failed``, so
    nothing is lost and a later re-parse can retry it.
    """
    if isinstance(raw, str):
        raw_bytes, charset = raw.encode("utf-8"), "utf-8"
    else:
        raw_bytes = bytes(raw)
    ingest_check_size(len(raw_bytes))
    if not raw_bytes.strip():
        raise ApplicationError("The input is empty.", code="empty")
    if content_type and content_type not in ALLOWED_CONTENT_TYPES:
        raise ApplicationError(
            f"content_type must be text/html or text/plain, not “{content_type}”.",
            code="unsupported_type",
            status=415,
        )
    canonical = canonicalize_url(url) if url else None
    sha = hashlib.sha256(raw_bytes).hexdigest()
    existing = source_find_duplicate(canonical_url=canonical, content_sha256=sha)
    if existing is not None:
        return IngestResult(existing, created=False)

    decoded = decode_bytes(raw_bytes, declared_charset=charset)
    content_type = content_type or sniff_content_type(decoded)
    domain = outlet_domain or (domain_of(canonical) if canonical else "")
    outlet = outlet_get_or_create(domain=domain) if domain else None
    overrides: dict[str, str] = {}
    if title and title.strip():
        overrides["title"] = title.strip()
    if published_at:
        overrides["published_at"] = published_at.isoformat()

    specs = rule_specs(rules_effective(outlet_id=outlet.pk if outlet else None))
    # The ingest time stands in for "now" in extraction, now and at every
    # re-parse, so recomputing from raw gives the same result.
    ingested_at = timezone.now()
    fields: dict[str, object] = {"rules_fingerprint": fingerprint_for(specs)}
    try:
        result = extract(
            decoded,
            content_type=content_type,
            url=canonical,
            rules=specs,
            reference_time=ingested_at,
        )
    except TextError:
        raise  # the input's fault, said to the user; not a crash to keep
    except Exception as exc:
        logger.exception("Extraction failed for %s", canonical or filename or sha[:12])
        fields.update(status=SourceStatus.FAILED, parse_error=f"{exc.__class__.__name__}: {exc}")
        fields.update(title=overrides.get("title", ""))
    else:
        fields.update(source_fields(result, overrides))
        if outlet and result.site_name and outlet.name == outlet.domain:
            outlet.name = result.site_name[:200]
            outlet.save(update_fields=["name"])

    try:
        with transaction.atomic():
            source = Source.objects.create(
                url=canonical,
                fetched_url=without_credentials(fetched_url or url or ""),
                outlet=outlet,
                raw=raw_bytes,
                raw_charset=charset or "",
                content_type=content_type,
                content_sha256=sha,
                original_filename=filename[:255],
                overrides=overrides,
                ingested_at=ingested_at,
                ingested_by=user if user and user.is_authenticated else None,
                **fields,
            )
    except IntegrityError:
        # Someone ingested the same input between our check and our insert.
        existing = source_find_duplicate(canonical_url=canonical, content_sha256=sha)
        if existing is None:
            raise
        return IngestResult(existing, created=False)
    source_copies_update(source_id=source.pk)
    return IngestResult(source, created=True)


def source_ingest_upload(
    *,
    upload: UploadedFile,
    content_type: str | None = None,
    outlet_domain: str | None = None,
    title: str | None = None,
    published_at: dt.datetime | None = None,
    user: AbstractBaseUser | None = None,
) -> IngestResult:
    """Ingest an uploaded file (form or API): its size is checked before it is
    read; its type is the one given, else its name's (.html), else sniffed."""
    ingest_check_size(upload.size)
    return source_ingest(
        raw=upload.read(),
        content_type=content_type or content_type_for_filename(upload.name),
        filename=upload.name,
        charset=upload.charset,
        outlet_domain=outlet_domain,
        title=title,
        published_at=published_at,
        user=user,
    )


@application_errors()
def source_ingest_url(
    *,
    url: str,
    outlet_domain: str | None = None,
    title: str | None = None,
    published_at: dt.datetime | None = None,
    user: AbstractBaseUser | None = None,
) -> IngestResult:
    """Fetch a page (SSRF-guarded, size-capped) and ingest it. A URL already
    ingested is not fetched again."""
    url = url.strip()
    canonical = canonicalize_url(url)
    existing = Source.objects.select_related("outlet").filter(url=canonical).first()
    if existing is not None:
        return IngestResult(existing, created=False)
    from sources.fetching import fetch_url  # httpx is only needed for URL ingestion

    page = fetch_url(
        url,
        max_bytes=settings.INGEST_MAX_BYTES,
        timeout=settings.FETCH_TIMEOUT,
        allow_private=settings.INGEST_ALLOW_PRIVATE_URLS,
        allowed_ports=settings.INGEST_ALLOWED_PORTS,
    )
    content_type = (
        "text/html" if page.content_type in {"text/html", "application/xhtml+xml"} else "text/plain"
    )
    return source_ingest(
        raw=page.content,
        charset=page.charset,
        content_type=content_type,
        url=url,
        fetched_url=page.url,
        outlet_domain=outlet_domain,
        title=title,
        published_at=published_at,
        user=user,
    )


LIVE_STATES = (AnchorStateChoices.ANCHORED, AnchorStateChoices.RELOCATED)


def excerpt_for_span(*, source_id: int, quote: Quote) -> Excerpt | None:
    """The excerpt already showing exactly these words at this span, if any.

    Several excerpts may sit on one span (re-parses move different selections
    onto the same words): the oldest one whose selection is these words
    serves, so looking a span up never raises MultipleObjectsReturned.
    """
    candidates = Excerpt.objects.filter(
        source_id=source_id,
        start=quote.start,
        end=quote.end,
        exact=quote.exact,
        anchor_state__in=LIVE_STATES,
    ).order_by("pk")
    return next((e for e in candidates if same_words(e.selected, quote.exact)), None)


@application_errors()
def excerpt_get_or_create(*, source: Source, exact: str, start: int | None = None) -> Excerpt:
    """The excerpt for this quote of the source's text, creating it if new.

    The quote must occur in the text; an ambiguous one needs ``start``.
    Locks the source row so that a concurrent re-parse cannot change the text
    between locating the quote and storing it, and two links of one span
    cannot both create an excerpt.
    """
    if source.status != SourceStatus.PARSED:
        raise ApplicationError("This source failed to parse; it has no text to quote.")
    locked = Source.objects.select_for_update().only("id", "text").get(pk=source.pk)
    quote = locate_quote(locked.text, exact, start=start)
    existing = excerpt_for_span(source_id=source.pk, quote=quote)
    if existing is not None:
        return existing
    return Excerpt.objects.create(
        source_id=source.pk,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
        start=quote.start,
        end=quote.end,
        selected=quote.exact,
        selected_prefix=quote.prefix,
        selected_suffix=quote.suffix,
        selected_start=quote.start,
        anchor_state=AnchorStateChoices.ANCHORED,
    )


def excerpt_confirm(*, excerpt_id: int, user: AbstractBaseUser | None) -> Excerpt:
    """A person accepts the words a ``changed`` quote now points at: they
    become its selection, and it is ``relocated``; history records who and
    the words before. Locks the source (as a re-parse does) and the excerpt."""
    excerpt = Excerpt.objects.filter(pk=excerpt_id).only("id", "source_id").first()
    if excerpt is None:
        raise ApplicationError("No such excerpt.", code="not_found", status=404)
    Source.objects.select_for_update().only("id").get(pk=excerpt.source_id)
    excerpt = Excerpt.objects.select_for_update().get(pk=excerpt_id)
    if excerpt.anchor_state != AnchorStateChoices.CHANGED:
        raise ApplicationError(
            f"Only a changed quote can be confirmed; this one is {excerpt.anchor_state}.",
            code="not_changed",
            status=409,
        )
    excerpt.selected = excerpt.exact
    excerpt.selected_prefix = excerpt.prefix
    excerpt.selected_suffix = excerpt.suffix
    excerpt.selected_start = excerpt.start
    excerpt.anchor_state = AnchorStateChoices.RELOCATED
    excerpt.anchor_score = 1.0
    excerpt._history_user = user if user is not None and user.is_authenticated else None
    excerpt._change_reason = "confirmed the new words"
    excerpt.save()
    changes_record(subject=ChangeSubject.EXCERPT, ids=[excerpt.pk])
    return excerpt
