"""``extract``: raw input (HTML or a text dump) to clean text and metadata."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sources.text.errors import ExtractionError
from sources.text.extraction import html as html_extraction
from sources.text.extraction import metadata, provenance, textdump
from sources.text.extraction import rules as rules_module
from sources.text.extraction.dates import parse_date
from sources.text.extraction.normalize import join_paragraphs, normalize_text
from sources.text.extraction.rules import RuleKind, RuleSpec

HTML = "text/html"
PLAIN = "text/plain"
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|"
    r"link|script|style|div|article|section|p|h[1-6])\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|li|ul|h[1-6]|article|section|body|head|html|table|img|meta)\b[^>]*>",
    re.IGNORECASE,
)
_SNIFF_CHARS = 8192


@dataclass
class ExtractionResult:
    content_type: str  # "text/html" | "text/plain"
    title: str | None
    authors: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None  # timezone-aware
    language: str | None = None  # ISO 639-1 when known
    site_name: str | None = None
    text: str = ""  # paragraphs separated by a blank line, NFC, no trailing spaces
    # per metadata field ("title", "authors", "published_at"): {"source", "confidence"}
    provenance: dict[str, dict[str, object]] = field(default_factory=dict)


def sniff_content_type(raw: str) -> str:
    """ "text/html" if ``raw`` looks like markup, else "text/plain"."""
    head = raw[:_SNIFF_CHARS].lstrip("\ufeff")
    if _HTML_START.match(head) or len(_HTML_TAG.findall(head)) >= 3:
        return HTML
    return PLAIN


def _content_type(declared: str | None, raw: str) -> str:
    if declared:
        media = declared.split(";")[0].strip().lower()
        if "html" in media or media.endswith("+xml"):
            return HTML
        if media.startswith("text/"):
            return PLAIN
    return sniff_content_type(raw)


def _specs_of(specs: Sequence[RuleSpec], *kinds: RuleKind) -> list[RuleSpec]:
    values = {kind.value for kind in kinds}
    return [spec for spec in specs if spec.kind in values]


def extract(
    raw: str,
    *,
    content_type: str | None = None,
    url: str | None = None,
    rules: Sequence[RuleSpec] = (),
    reference_time: dt.datetime | None = None,
) -> ExtractionResult:
    """Clean text and metadata of one article; pure (no I/O, no database).

    Deterministic: the same input, rules and ``reference_time`` (the source's
    ingest time, standing in for "now" in date finding) give the same result.
    A rule over its time budget raises ``RuleTimeout`` rather than being
    skipped, so load cannot change the text."""
    if raw is None or not raw.strip():
        raise ExtractionError("The input is empty: there is no text to extract.", code="empty")
    ctype = _content_type(content_type, raw)
    specs = tuple(rules)
    text_specs = _specs_of(specs, *rules_module.TEXT_RULE_KINDS)
    metadata_specs = _specs_of(specs, RuleKind.METADATA)

    if ctype == HTML:
        selectors = rules_module.selectors(_specs_of(specs, RuleKind.STRIP_SELECTOR))
        page = html_extraction.extract_html(
            raw, url=url, selectors=selectors, reference_time=reference_time
        )
        if page is None:  # not parseable as HTML: read it as text
            ctype = PLAIN
        else:
            result = ExtractionResult(
                content_type=HTML,
                title=page.title,
                authors=page.authors,
                published_at=page.published_at,
                language=page.language,
                site_name=page.site_name,
                text=join_paragraphs(page.paragraphs),
                provenance=page.provenance,
            )
            pre_clean = (
                html_extraction.readable_lines(page.tree)
                if metadata_specs and page.tree is not None
                else ""
            )
    if ctype == PLAIN:
        site_name = metadata.site_domain(url)
        dump = textdump.clean_dump(raw, url=url, site_name=site_name)
        result = ExtractionResult(
            content_type=PLAIN,
            title=dump.title,
            authors=dump.authors,
            published_at=dump.published_at,
            language=dump.language,
            site_name=site_name,
            text=join_paragraphs(dump.paragraphs),
        )
        _dump_metadata(result, dump, url=url, reference_time=reference_time)
        pre_clean = normalize_text(raw) if metadata_specs else ""

    if text_specs:
        result.text = rules_module.apply_text_rules(result.text, text_specs)
    if metadata_specs:
        _apply_metadata(result, rules_module.apply_metadata_rules(pre_clean, metadata_specs))
    result.text = normalize_text(result.text)
    if not result.text and not result.title:
        raise ExtractionError("Nothing readable was found in the input.", code="empty")
    return result


def _dump_metadata(
    result: ExtractionResult,
    dump: textdump.DumpResult,
    *,
    url: str | None,
    reference_time: dt.datetime | None,
) -> None:
    """A dump's fields: its lines first, the URL's date and slug when they say nothing."""
    if reference_time and result.published_at and result.published_at > reference_time:
        result.published_at = None  # a date after the ingest is not the publication date
    from_url = provenance.url_date(url)
    if from_url is not None and (result.published_at is None or from_url != result.published_at):
        # the URL's full date is the surest date a dump has (a printed one may be an update)
        result.published_at = from_url
        result.provenance["published_at"] = provenance.field_provenance("url")
    elif result.published_at is not None:
        agreed = from_url is not None
        result.provenance["published_at"] = provenance.field_provenance("dateline", agreed=agreed)
    if result.authors:
        result.provenance["authors"] = provenance.field_provenance("byline")
    if result.title:
        result.provenance["title"] = provenance.field_provenance("title-line")
    else:
        slug = provenance.url_slug_title(url)
        if slug:
            result.title = slug
            result.provenance["title"] = provenance.field_provenance("url-slug")


def _apply_metadata(result: ExtractionResult, found: dict[str, str]) -> None:
    rule = provenance.field_provenance("rule")
    if "title" in found:
        title = normalize_text(found["title"])
        if title:
            result.title, result.provenance["title"] = title, rule
    if "author" in found:
        authors = metadata.clean_authors(found["author"], site_name=result.site_name)
        if authors:
            result.authors, result.provenance["authors"] = authors, rule
    if "published_at" in found:
        published = parse_date(found["published_at"])
        if published:
            result.published_at, result.provenance["published_at"] = published, rule
