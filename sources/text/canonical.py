"""Canonical URLs and domains: one form per page, so a page shared with
tracking parameters, another port spelling, a fragment or someone's
``user:pass@`` is recognised as a duplicate, and never stored with a secret.

The mechanics are Scrapy's ``w3lib`` (query sorted with blank values kept,
percent-encoding and dot segments normalised, IDNA hosts) and ``tldextract``
(which part of a host is the site, from the Public Suffix List snapshot bundled
with it: no network, ever). What is ours is the policy: which parameters are
tracking ones. Pure functions, no Django (fetching is :mod:`sources.fetching`).

Why not ``courlan`` (trafilatura's own): its tracker pattern also drops
``source``, ``uid``, ``session`` and any ``cid``/``clid`` parameter, which
identify the page on some sites, and two articles wrongly merged as
duplicates would lose one of them; it also drops blank query values and stores
hosts in Unicode rather than punycode.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url as w3lib_canonicalize_url

from sources.text.errors import UrlError

DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that identify a click or a campaign, never the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "mc_cid", "mc_eid", "igshid", "igsh", "ref", "ref_src",
        "ref_url", "referrer", "cmpid", "cmp", "ocid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "vero_id", "vero_conv", "oly_anon_id", "oly_enc_id", "rb_clickid",
        "s_cid", "ncid", "sr_share", "spm", "smid", "soc_src", "soc_trk", "wt_mc",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# Special-use top-level names (RFC 2606, RFC 6761): not in the Public Suffix
# List, but test and demo outlets live under them ("harbourdaily.example").
SPECIAL_USE_SUFFIXES = ("example", "test", "invalid", "localhost")


def canonicalize_url(url: str) -> str:
    """The form of a URL used to recognise the same page (idempotent).

    Lower-cases scheme and host, drops credentials (``user:pass@``), the
    default port, the fragment and tracking parameters (utm_*, fbclid,
    gclid, ...), sorts the remaining query parameters and gives an empty path
    as "/".
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UrlError(f"The URL {url!r} is not valid.", code="url_invalid") from exc
    if not scheme or not host:
        raise UrlError(
            f"The URL {url!r} is not absolute (it needs a scheme and a host).",
            code="url_invalid",
        )
    host = _normalise_host(host)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(key)
    ]
    # Credentials are left out of netloc: they never reach the stored URL.
    cleaned = urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
    try:
        return w3lib_canonicalize_url(cleaned, keep_blank_values=True)
    except ValueError as exc:
        raise UrlError(f"The URL {url!r} is not valid.", code="url_invalid") from exc


def without_credentials(url: str) -> str:
    """``url`` as given, less any ``user:pass@`` (for the fetched URL we keep)."""
    parts = urlsplit(url.strip())
    if "@" not in parts.netloc:
        return url.strip()
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def is_tracking_param(key: str) -> bool:
    name = key.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def domain_of(url: str) -> str:
    """The host of a URL or of a bare domain ("www.Example.com"), lower-cased,
    in punycode, without a trailing dot or a leading "www.": an outlet's key."""
    text = url.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    try:
        host = parts.hostname
    except ValueError as exc:
        raise UrlError(f"The URL {url!r} is not valid.", code="url_invalid") from exc
    if not host:
        raise UrlError(f"The URL {url!r} has no host.", code="url_invalid")
    return _normalise_host(host).removeprefix("www.")


def site_label(url: str) -> tuple[str, str]:
    """The site's own name in a URL's host, and its registrable domain:
    ``("bbc", "bbc.co.uk")`` for ``https://news.bbc.co.uk/x``.

    An IP address is its own site; other hosts with no known public suffix
    ("intranet.corp") give their last two labels, as a person would read them.
    """
    host = domain_of(url)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host, host
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return parts.domain, f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    return (labels[-2] if len(labels) >= 2 else labels[0]), ".".join(labels[-2:])


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and no cache: the bundled snapshot, no network, no files.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, extra_suffixes=SPECIAL_USE_SUFFIXES
    )


def _normalise_host(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        # Internationalised names compare in their ASCII (punycode) form.
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
