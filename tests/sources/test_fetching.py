"""fetch_url against a real HTTP server on 127.0.0.1, and the address checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sources import fetching
from sources.fetching import USER_AGENT, check_url_allowed, fetch_url, is_public_address
from sources.text.errors import FetchError

HTML = b"<!doctype html><html><head><title>Hi</title></head><body><p>Hello</p></body></html>"
MAX_BYTES = 100_000


class Handler(BaseHTTPRequestHandler):
    seen_user_agents: list[str] = []

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def send(self, status: int, body: bytes = b"", content_type: str | None = None, **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Handler.seen_user_agents.append(self.headers.get("User-Agent", ""))
        port = self.server.server_address[1]
        path = self.path
        if path == "/html":
            self.send(200, HTML, "text/html; charset=utf-8")
        elif path == "/latin1":
            self.send(200, "<p>café</p>".encode("latin-1"), 'text/html; Charset="ISO-8859-1"')
        elif path == "/plain":
            self.send(200, b"Just text.", "text/plain")
        elif path == "/untyped":
            self.send(200, HTML)
        elif path == "/redirect-relative":
            self.send(302, Location="/html")
        elif path == "/redirect-loopback":
            self.send(302, Location=f"http://127.0.0.1:{port}/html")
        elif path == "/redirect-ftp":
            self.send(301, Location="ftp://example.com/file")
        elif path.startswith("/loop"):
            n = int(path.removeprefix("/loop") or 0)
            self.send(302, Location=f"/loop{n + 1}")
        elif path == "/huge":
            self.stream_forever()
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * MAX_BYTES))
            self.end_headers()
            self.wfile.write(b"<p>" * 10)
        elif path == "/slow":
            time.sleep(2)
            self.send(200, HTML, "text/html")
        elif path == "/missing":
            self.send(404, b"not here", "text/html")
        elif path == "/image":
            self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        elif path == "/pdf":
            self.send(200, b"%PDF-1.4", "application/pdf")
        else:
            self.send(500, b"unexpected", "text/plain")

    def stream_forever(self):
        """A body far bigger than the limit, without Content-Length."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        chunk = b"<p>" + b"x" * 16_381 + b"</p>"
        try:
            for _ in range(2_000):  # ~32 MB if the client never stopped
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(url: str, **kwargs) -> fetching.FetchedPage:
    kwargs.setdefault("max_bytes", MAX_BYTES)
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("allow_private", True)
    kwargs.setdefault("allowed_ports", None)  # the local server listens on a random port
    return fetch_url(url, **kwargs)


def error_of(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as exc:
        fetch(url, **kwargs)
    return exc.value


# --- fetching -----------------------------------------------------------------------


def test_fetches_html_page_with_type_and_charset(server):
    page = fetch(f"{server}/html")
    assert page.content == HTML
    assert (page.content_type, page.charset) == ("text/html", "utf-8")
    assert page.url == f"{server}/html"


def test_reports_charset_from_header(server):
    page = fetch(f"{server}/latin1")
    assert page.charset == "iso-8859-1"
    assert page.content.decode(page.charset) == "<p>café</p>"


def test_plain_text_without_charset(server):
    page = fetch(f"{server}/plain")
    assert (page.content_type, page.charset) == ("text/plain", None)


def test_missing_content_type_is_sniffed(server):
    assert fetch(f"{server}/untyped").content_type == "text/html"


def test_sends_claims_tracker_user_agent(server):
    fetch(f"{server}/html")
    assert Handler.seen_user_agents[-1] == USER_AGENT
    assert USER_AGENT.startswith("ClaimsTracker/0.1 (+")


def test_follows_redirect_and_reports_final_url(server):
    page = fetch(f"{server}/redirect-relative")
    assert page.url == f"{server}/html"
    assert page.content == HTML


def test_too_many_redirects_fail(server):
    err = error_of(f"{server}/loop0")
    assert (err.code, err.status) == ("fetch_failed", 502)
    assert "redirected more than 5 times" in err.message


def test_redirect_to_other_scheme_is_refused(server):
    assert error_of(f"{server}/redirect-ftp").code == "url_scheme"


def test_body_over_limit_stops_streaming(server):
    began = time.monotonic()
    err = error_of(f"{server}/huge")
    assert (err.code, err.status) == ("too_large", 413)
    assert f"{MAX_BYTES:,}" in err.message
    assert time.monotonic() - began < 5  # did not read the ~32 MB body


def test_declared_length_over_limit_is_refused_before_reading(server):
    err = error_of(f"{server}/huge-declared")
    assert (err.code, err.status) == ("too_large", 413)


def test_slow_server_times_out(server):
    began = time.monotonic()
    err = error_of(f"{server}/slow", timeout=0.3)
    assert (err.code, err.status) == ("fetch_timeout", 504)
    assert time.monotonic() - began < 1.9


def test_upstream_404_is_fetch_failed_with_status(server):
    err = error_of(f"{server}/missing")
    assert (err.code, err.status) == ("fetch_failed", 502)
    assert "404" in err.message


@pytest.mark.parametrize("path", ["/image", "/pdf"])
def test_unsupported_content_type(server, path):
    err = error_of(f"{server}{path}")
    assert (err.code, err.status) == ("unsupported_type", 415)


def test_connection_refused_is_fetch_failed():
    # Port 9 (discard) on loopback is closed on any sane test machine.
    err = error_of("http://127.0.0.1:9/")
    assert (err.code, err.status) == ("fetch_failed", 502)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "file:///etc/passwd", "javascript:alert(1)", "gopher://x"]
)
def test_only_http_and_https(url):
    err = error_of(url, allow_private=False)
    assert (err.code, err.status) == ("url_scheme", 400)


# --- refusing private addresses ---------------------------------------------------


def test_loopback_is_refused_unless_allowed(server):
    err = error_of(f"{server}/html", allow_private=False)
    assert (err.code, err.status) == ("url_private", 400)
    assert "127.0.0.1" in err.message


def test_ipv6_loopback_literal_is_refused():
    assert error_of("http://[::1]:8080/", allow_private=False).code == "url_private"


def test_localhost_name_is_refused():
    assert error_of("http://localhost/", allow_private=False).code == "url_private"


def test_public_looking_host_passes_check(monkeypatch):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["93.184.216.34"])
    check_url_allowed("https://news.example/article")


def test_host_with_any_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["8.8.8.8", "10.0.0.5"])
    with pytest.raises(FetchError) as exc:
        check_url_allowed("https://mixed.example/")
    assert exc.value.code == "url_private"


def test_unresolvable_host_is_reported():
    with pytest.raises(FetchError) as exc:
        check_url_allowed("http://no-such-host.invalid/")
    assert exc.value.code == "url_unresolvable"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - an address under test, not a bind
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "fe80::1%eth0",
    ],
)
def test_non_public_addresses(address):
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses(address):
    assert is_public_address(address)
