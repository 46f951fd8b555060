"""DNS rebinding, ports and TLS names: a fetch connects to the very address it
checked, keeps the host name for ``Host`` and SNI, and re-checks every hop.

The DNS stub replaces ``socket.getaddrinfo`` (the outside world): names it
knows answer from a script, one answer per lookup, so a hostile DNS server
that answers "public" for the check and "private" for the connection is
played for real. Every server here listens on 127.0.0.x; 127.0.0.2 stands in
for a public internet address (the test says so to ``is_public_address``),
127.0.0.1 for the internal network an attacker wants to reach.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from sources import fetching
from sources.fetching import fetch_url
from sources.text.errors import FetchError

PUBLIC = "127.0.0.2"  # the stand-in for a public address
INTERNAL = "127.0.0.1"


class Recorder(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get("Host")))
        body = self.server.pages.get(self.path)
        if body is None:
            self.send_response(302)
            self.send_header("Location", self.server.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(address: str, port: int, *, tls: ssl.SSLContext | None = None) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((address, port), Recorder)
    httpd.daemon_threads = True
    httpd.seen, httpd.pages, httpd.redirects = [], {}, {}
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def servers() -> Iterator[tuple[ThreadingHTTPServer, ThreadingHTTPServer]]:
    """A "public" server and an "internal" one on the same port number."""
    for _attempt in range(20):
        public = _serve(PUBLIC, 0)
        port = public.server_address[1]
        try:
            internal = _serve(INTERNAL, port)
        except OSError:  # that port is taken on 127.0.0.1: try another
            public.shutdown()
            public.server_close()
            continue
        break
    else:  # pragma: no cover
        pytest.fail("no port free on both loopback addresses")
    public.pages["/"] = b"<html><body><p>The public article.</p></body></html>"
    internal.pages["/"] = b"<html><body><p>Internal secrets.</p></body></html>"
    yield public, internal
    for httpd in (public, internal):
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def dns(monkeypatch):
    """``dns["name"] = [answer, answer, ...]``: each lookup of ``name`` pops
    the next answer (the last one repeats). Other names and IP literals go to
    the real resolver. ``dns.lookups`` lists the names asked for."""
    real = socket.getaddrinfo

    class Stub(dict):
        lookups: list[str]

    stub = Stub()
    stub.lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in stub:
            stub.lookups.append(name)
            answers = stub[name]
            address = answers.pop(0) if len(answers) > 1 else answers[0]
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    real_is_public = fetching.is_public_address
    monkeypatch.setattr(fetching, "is_public_address", lambda a: a == PUBLIC or real_is_public(a))
    return stub


def _fetch(url: str, **kwargs) -> fetching.FetchedPage:
    kwargs.setdefault("allowed_ports", None)
    return fetch_url(url, max_bytes=100_000, timeout=5, **kwargs)


def test_rebinding_dns_cannot_redirect_the_connection(servers, dns):
    """The name answers public for the check, then private: the fetch never
    asks again and reads the page from the checked address."""
    public, internal = servers
    port = public.server_address[1]
    dns["news.example"] = [PUBLIC, INTERNAL]

    page = _fetch(f"http://news.example:{port}/")

    assert b"The public article." in page.content
    assert internal.seen == []
    assert dns.lookups == ["news.example"]
    assert public.seen == [("/", f"news.example:{port}")]  # Host keeps the name
    assert page.url == f"http://news.example:{port}/"


def test_every_redirect_hop_is_resolved_and_checked(servers, dns):
    public, internal = servers
    port = public.server_address[1]
    public.redirects["/go"] = f"http://intranet.example:{port}/"
    dns["news.example"] = [PUBLIC]
    dns["intranet.example"] = [INTERNAL]

    with pytest.raises(FetchError) as exc:
        _fetch(f"http://news.example:{port}/go")

    assert (exc.value.code, exc.value.status) == ("url_private", 400)
    assert internal.seen == []
    assert dns.lookups == ["news.example", "intranet.example"]


def test_a_name_with_any_private_answer_is_refused(servers, dns):
    public, internal = servers
    dns["mixed.example"] = [PUBLIC]
    original = socket.getaddrinfo

    def two_answers(host, port, *args, **kwargs):
        if host == "mixed.example":
            return original(PUBLIC, port, *args, **kwargs) + original(
                INTERNAL, port, *args, **kwargs
            )
        return original(host, port, *args, **kwargs)

    socket.getaddrinfo = two_answers
    try:
        with pytest.raises(FetchError) as exc:
            _fetch(f"http://mixed.example:{public.server_address[1]}/")
    finally:
        socket.getaddrinfo = original
    assert exc.value.code == "url_private"
    assert public.seen == internal.seen == []


@pytest.mark.parametrize("url", ["http://news.example:8080/", "https://news.example:22/"])
def test_only_ports_80_and_443_by_default(dns, url):
    dns["news.example"] = [PUBLIC]
    with pytest.raises(FetchError) as exc:
        fetch_url(url, max_bytes=1000, timeout=1)
    assert (exc.value.code, exc.value.status) == ("url_port", 400)
    assert "INGEST_ALLOWED_PORTS" in exc.value.message
    assert dns.lookups == []  # refused before any lookup


def test_allowed_ports_widen_the_default(servers, dns):
    public, _internal = servers
    port = public.server_address[1]
    dns["news.example"] = [PUBLIC]
    page = fetch_url(
        f"http://news.example:{port}/", max_bytes=100_000, timeout=5, allowed_ports={80, 443, port}
    )
    assert b"The public article." in page.content


def test_credentials_in_the_url_are_not_sent(servers, dns):
    public, _internal = servers
    port = public.server_address[1]
    dns["news.example"] = [PUBLIC]
    _fetch(f"http://user:secret@news.example:{port}/")
    assert public.seen == [("/", f"news.example:{port}")]


# --- TLS: SNI and the certificate check use the name, not the pinned address -------------


@pytest.fixture
def tls_server(dns) -> Iterator[tuple[ThreadingHTTPServer, ssl.SSLContext, list[str]]]:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("secure.example").configure_cert(server_context)
    sni_names: list[str] = []
    server_context.sni_callback = lambda sock, name, ctx: sni_names.append(name)
    httpd = _serve(PUBLIC, 0, tls=server_context)
    httpd.pages["/"] = b"<html><body><p>Over TLS.</p></body></html>"
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    yield httpd, client_context, sni_names
    httpd.shutdown()
    httpd.server_close()


def test_https_keeps_sni_and_certificate_name(tls_server, dns):
    httpd, client_context, sni_names = tls_server
    port = httpd.server_address[1]
    dns["secure.example"] = [PUBLIC, INTERNAL]

    page = _fetch(f"https://secure.example:{port}/", verify=client_context)

    assert b"Over TLS." in page.content
    assert sni_names == ["secure.example"]
    assert httpd.seen == [("/", f"secure.example:{port}")]
    assert dns.lookups == ["secure.example"]


def test_https_certificate_for_another_name_fails(tls_server, dns):
    httpd, client_context, _sni = tls_server
    dns["other.example"] = [PUBLIC]
    with pytest.raises(FetchError) as exc:
        _fetch(f"https://other.example:{httpd.server_address[1]}/", verify=client_context)
    assert exc.value.code == "fetch_failed"
    assert httpd.seen == []
