"""URL canonicalisation: one form per page, so a page shared with tracking
parameters, another port spelling or a fragment is recognised as a duplicate.
Pure functions, no network (fetching is :mod:`sources.fetching`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def canonicalize_url(url: str) -> str:
    """The form of a URL used to recognise the same page (idempotent).

    Lower-cases scheme and host, drops the default port, the fragment and
    tracking parameters (utm_*, fbclid, gclid, ...), sorts the remaining query
    parameters and gives an empty path as "/".
    """
    parts = urlsplit(url.strip())
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
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def domain_of(url: str) -> str:
    """The URL's host, lower-cased, without a leading "www." (accepts a bare domain)."""
    text = url.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    try:
        host = parts.hostname
    except ValueError as exc:  # pragma: no cover - hostname does not validate
        raise UrlError(f"The URL {url!r} is not valid.", code="url_invalid") from exc
    if not host:
        raise UrlError(f"The URL {url!r} has no host.", code="url_invalid")
    host = _normalise_host(host)
    return host.removeprefix("www.")


def _normalise_host(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        # Internationalised names compare in their ASCII (punycode) form.
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _is_tracking(key: str) -> bool:
    name = key.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
