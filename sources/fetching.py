"""Fetch a web page for ingestion, safely.

``fetch_url`` only speaks http(s), on the allowed ports (80 and 443 unless
``INGEST_ALLOWED_PORTS`` says otherwise), refuses hosts that resolve to
private, loopback, link-local, multicast, reserved or unspecified addresses
(on every redirect hop), stops reading as soon as the body exceeds the size
limit, and accepts only HTML and plain text.

DNS rebinding: each hop's host is resolved **once**; the connection goes to
that very address (the URL's host is replaced by the checked IP), while the
``Host`` header and, for https, the TLS SNI name and certificate check keep
the original host name. A second, different DNS answer is never asked for.

Status codes of the errors it raises (``FetchError``): the user's own
input gets 400 (bad scheme, private address, unresolvable host), 413 (too
large) or 415 (unsupported type); a problem on the remote side gets 502
(``fetch_failed``: error status, connection failure, redirect loop) or 504
(``fetch_timeout``).

URL canonicalisation lives in :mod:`sources.text.canonical`. No Django here either:
its errors are ``FetchError``, which the services translate.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from sources.text.errors import FetchError
from sources.text.extraction import sniff_content_type

USER_AGENT = "ClaimsTracker/0.1 (+https://claims-tracker.invalid/about/fetcher)"
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
SUPPORTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
MAX_REDIRECTS = 5
SNIFF_BYTES = 8192  # how much of an untyped body says whether it is HTML
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A server that trickles one byte just inside every read timeout would keep us
# forever; the whole fetch gets this many read timeouts at most.
TOTAL_TIMEOUT_FACTOR = 4

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: Ports a fetch may connect to unless the caller allows others.
DEFAULT_PORTS = frozenset({80, 443})


@dataclass
class FetchedPage:
    url: str  # the final URL, after redirects
    content: bytes
    content_type: str  # mime type without parameters, e.g. "text/html"
    charset: str | None


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this to fake DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            f"The host {host!r} could not be resolved.", code="url_unresolvable"
        ) from exc
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """Whether an IP address is one a fetch may connect to.

    IPv6 addresses that embed an IPv4 one (IPv4-mapped, 6to4, Teredo, NAT64)
    are judged by the embedded address too.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_public_address(str(ip.ipv4_mapped))
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.sixtofour]
        if ip.teredo:
            embedded += list(ip.teredo)
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return all(is_public_address(str(v4)) for v4 in embedded if v4 is not None)
    return True


@dataclass(frozen=True)
class Target:
    """One hop, checked: where to connect and what to call the host."""

    url: str  # the URL as given (what redirects are resolved against)
    scheme: str
    host: str  # the name for Host and SNI
    port: int
    address: str  # the checked IP address the connection goes to

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"

    @property
    def pinned_url(self) -> str:
        """The URL with its host replaced by the checked address (and no
        credentials): what the HTTP client actually connects to."""
        parts = urlsplit(self.url)
        ip = f"[{self.address}]" if ":" in self.address else self.address
        return urlunsplit((self.scheme, f"{ip}:{self.port}", parts.path or "/", parts.query, ""))


def check_url_allowed(
    url: str,
    *,
    allow_private: bool = False,
    allowed_ports: Collection[int] | None = DEFAULT_PORTS,
) -> Target:
    """Refuse a URL we must not fetch: other schemes, other ports (``None``
    allows any), or a host with any non-public address. Resolves the host
    once and returns the address to connect to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            f"Only http and https URLs can be fetched, not {parts.scheme or 'this'!r}.",
            code="url_scheme",
        )
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchError(f"The URL {url!r} is not valid.", code="url_invalid") from exc
    if not host:
        raise FetchError(f"The URL {url!r} has no host.", code="url_invalid")
    port = port or (443 if scheme == "https" else 80)
    if allowed_ports is not None and port not in allowed_ports:
        ports = ", ".join(str(p) for p in sorted(allowed_ports))
        raise FetchError(
            f"Port {port} is not allowed for fetching (allowed: {ports}; "
            "INGEST_ALLOWED_PORTS changes this).",
            code="url_port",
        )
    addresses = resolve_host(host, port)
    if not addresses:
        raise FetchError(f"The host {host!r} could not be resolved.", code="url_unresolvable")
    if not allow_private:
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            raise FetchError(
                f"The host {host!r} resolves to a private or reserved address "
                f"({refused[0]}); only public web addresses can be fetched.",
                code="url_private",
                status=400,
            )
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])


def fetch_url(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    allow_private: bool = False,
    allowed_ports: Collection[int] | None = DEFAULT_PORTS,
    verify: ssl.SSLContext | bool = True,
) -> FetchedPage:
    """Fetch an HTML or plain-text page, following at most 5 redirects.

    Every hop is checked (scheme, port, every address of its host) before
    connecting, and the connection is pinned to the checked address (see the
    module docstring). Proxies from the environment are ignored so the check
    means something. ``verify`` is for tests with their own certificate
    authority.
    """
    deadline = time.monotonic() + timeout * TOTAL_TIMEOUT_FACTOR
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    current = url.strip()
    try:
        with httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            headers=headers,
            verify=verify,
        ) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                target = check_url_allowed(
                    current, allow_private=allow_private, allowed_ports=allowed_ports
                )
                request = client.build_request(
                    "GET",
                    target.pinned_url,
                    headers={"Host": target.host_header},
                    extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
                )
                response = client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        current = urljoin(target.url, location.strip())
                        continue
                    return _read_page(
                        response, url=target.url, max_bytes=max_bytes, deadline=deadline
                    )
                finally:
                    response.close()
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"Fetching {current} timed out after {timeout:g} seconds.",
            code="fetch_timeout",
            status=504,
        ) from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"The URL {current!r} is not valid.", code="url_invalid") from exc
    except httpx.HTTPError as exc:
        raise FetchError(
            f"Fetching {current} failed: {exc}.", code="fetch_failed", status=502
        ) from exc
    raise FetchError(
        f"Fetching {url} was redirected more than {MAX_REDIRECTS} times.",
        code="fetch_failed",
        status=502,
    )


def _read_page(
    response: httpx.Response, *, url: str, max_bytes: int, deadline: float
) -> FetchedPage:
    final_url = url
    if not 200 <= response.status_code < 300:
        raise FetchError(
            f"The server answered {response.status_code} for {final_url}.",
            code="fetch_failed",
            status=502,
        )

    content_type, charset = _parse_content_type(response.headers.get("content-type", ""))
    if content_type and content_type not in SUPPORTED_TYPES:
        raise FetchError(
            f"The page is {content_type}; only HTML and plain text can be ingested.",
            code="unsupported_type",
            status=415,
        )

    too_large = FetchError(
        f"The page is larger than the limit of {max_bytes:,} bytes.",
        code="too_large",
        status=413,
        extra={"max_bytes": max_bytes},
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    # iter_bytes() yields decoded (gunzipped) bytes, so the limit also stops
    # compression bombs.
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("the response took too long overall")

    content = bytes(body)
    if not content_type:
        # Markup is ASCII whatever the charset: latin-1 reads any byte.
        content_type = sniff_content_type(content[:SNIFF_BYTES].decode("latin-1"))
    return FetchedPage(url=final_url, content=content, content_type=content_type, charset=charset)


def _parse_content_type(header: str) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``"text/html; charset=UTF-8"``."""
    if not header.strip():
        return "", None
    mime = header.split(";", 1)[0].strip().lower()
    message = Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 encoded parameter
        charset = charset[2]
    return mime, (str(charset).strip().lower() or None) if charset else None
