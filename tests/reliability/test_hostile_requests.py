"""Hand-written hostile requests the generators miss: NUL bytes and lone
surrogates in every kind of field, bodies of 6 MB, JSON nested 100,000 deep,
SSRF names and addresses, catastrophic regular expressions, pathological HTML.

Each one must get a clear 4xx — JSON with a ``detail`` saying what is wrong —
and change nothing: every table has the same number of rows before and after.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.services import claim_create, evidence_link
from sources.services import source_ingest
from tests.support.roles import user_of_role
from tests.support.rows import changed_tables, row_counts
from tests.support.tally import record

pytestmark = pytest.mark.django_db

ARTICLE = "The port authority said the quay reopens on Monday. Dockers said it would not."
SIX_MB = 6 * 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str
    method: str
    path: str
    body: str | bytes | None = None  # raw JSON text (so it can spell \ud800), or bytes
    content_type: str = "application/json"
    status: tuple[int, ...] = (400,)
    role: str = "editor"
    code: str | None = None
    detail_mentions: tuple[str, ...] = field(default=())


def _json(value: dict) -> str:
    return json.dumps(value)


def _text_cases() -> list[Hostile]:
    """A NUL and a lone surrogate in each text field of each write."""
    fields = {
        ("post", "/api/sources/"): {"raw": ARTICLE, "title": "T", "outlet": "port.example"},
        ("post", "/api/claims/"): {"text": "The quay reopens", "tags": ["port"]},
        ("patch", "/api/claims/{claim}/"): {"text": "The quay reopens soon"},
        ("post", "/api/evidence/"): {
            "claim": "{claim}",
            "source": "{source}",
            "stance": "asserts",
            "exact": "the quay reopens on Monday",
            "attributed_to": "The port authority",
            "note": "n",
        },
        ("patch", "/api/evidence/{evidence}/"): {"note": "n", "attributed_to": "x"},
        ("post", "/api/rules/"): {
            "name": "r",
            "kind": "replace",
            "pattern": "x",
            "replacement": "y",
        },
        ("post", "/api/rules/preview/"): {"kind": "drop_lines", "pattern": "^x$", "name": "p"},
        ("post", "/api/claims/{claim}/review/"): {
            "verdict": "supported",
            "rationale": "r",
            "version": "{version}",
        },
    }
    cases = []
    for (method, path), body in fields.items():
        for key, value in body.items():
            if not isinstance(value, str) or value.startswith("{"):
                continue
            for escape, label in (("\\u0000", "nul"), ("\\ud800", "surrogate")):
                raw = json.dumps(body).replace(
                    json.dumps(key) + ": " + json.dumps(value),
                    json.dumps(key) + ': "' + value + escape + '"',
                )
                cases.append(
                    Hostile(
                        f"{label}-in-{method}-{path}-{key}",
                        method,
                        path,
                        raw,
                        code="invalid_text",
                        detail_mentions=(key,),
                    )
                )
    cases.append(
        Hostile(
            "surrogate-in-a-list-item",
            "post",
            "/api/claims/",
            '{"text": "The quay", "tags": ["ok", "b\\udfffd"]}',
            code="invalid_text",
            detail_mentions=("tags[1]",),
        )
    )
    cases.append(
        Hostile(
            "surrogate-as-a-key",
            "post",
            "/api/claims/",
            '{"text": "The quay", "\\ud83d": 1}',
            code="invalid_text",
        )
    )
    for path in ("/api/claims/?q=a%00b", "/api/sources/?q=%00", "/api/evidence/?note=%00"):
        cases.append(Hostile(f"nul-in-query-{path}", "get", path, code="invalid_text"))
    return cases


def _shape_cases() -> list[Hostile]:
    return [
        Hostile(
            "six-mb-json-source",
            "post",
            "/api/sources/",
            _json({"raw": "x" * SIX_MB}),
            status=(413,),
        ),
        Hostile(
            "six-mb-json-claim",
            "post",
            "/api/claims/",
            _json({"text": "x" * SIX_MB}),
            status=(413,),
        ),
        Hostile(
            "six-mb-file",
            "post",
            "/api/sources/",
            b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\n" + b"x" * SIX_MB + b"\r\n--B--\r\n",
            content_type="multipart/form-data; boundary=B",
            status=(413,),
        ),
        Hostile("json-nested-100k", "post", "/api/claims/", "[" * 100_000 + "]" * 100_000),
        Hostile(
            "json-object-nested-50k", "post", "/api/claims/", '{"a":' * 50_000 + "1" + "}" * 50_000
        ),
        Hostile(
            "json-nested-40", "post", "/api/rules/preview/", '{"kind": ' + "[" * 40 + "]" * 40 + "}"
        ),
        Hostile("json-truncated", "post", "/api/claims/", '{"text": "The quay'),
        Hostile("json-not-an-object", "post", "/api/claims/", "[1, 2, 3]"),
        Hostile("json-huge-number", "post", "/api/evidence/", '{"claim": 1e999999, "source": 1}'),
        Hostile(
            "id-beyond-bigint",
            "post",
            "/api/evidence/",
            _json({"claim": 2**70, "source": 1, "stance": "asserts", "exact": "x"}),
        ),
        Hostile(
            "xml-body",
            "post",
            "/api/claims/",
            "<claim/>",
            content_type="application/xml",
            status=(415,),
        ),
        Hostile(
            "deep-html",
            "post",
            "/api/sources/",
            _json(
                {
                    "raw": "<html><body>" + "<div>" * 20_000 + "deep" + "</div>" * 20_000,
                    "content_type": "text/html",
                }
            ),
            code="too_nested",
        ),
        Hostile(
            "page-not-a-number", "get", "/api/claims/?page=%27%20OR%201=1", code="invalid_page"
        ),
        Hostile("page-size-negative", "get", "/api/claims/?page=-5"),
    ]


def _ssrf_cases() -> list[Hostile]:
    urls = {
        "http://127.0.0.1/": "url_private",
        # Odd spellings of 127.0.0.1 and 0.0.0.0: refused as URLs already.
        "http://127.1/": None,
        "http://2130706433/": None,
        "http://0x7f000001/": None,
        "http://0/": None,
        "http://[::1]/": "url_private",
        "http://[::ffff:169.254.169.254]/": "url_private",  # IPv4-mapped metadata address
        "http://169.254.169.254/latest/meta-data/": "url_private",
        "http://10.0.0.7/": "url_private",
        "http://[fd00::5]/": "url_private",
        "http://localhost/": "url_private",
        "http://metadata.internal.example/": "url_private",  # the DNS stub: private answer
        "http://rebind.internal.example/": "url_private",  # public and private answers
        "http://news.example:22/": "url_port",
        "http://news.example:6379/": "url_port",
        "https://news.example:8443/": "url_port",
        "file:///etc/passwd": None,
        "gopher://127.0.0.1:6379/_INFO": None,
        "ftp://news.example/a": None,
    }
    return [
        Hostile(
            f"ssrf-{url}",
            "post",
            "/api/sources/",
            _json({"url": url}),
            role="analyst",
            code=code,
        )
        for url, code in urls.items()
    ]


def _regex_cases() -> list[Hostile]:
    # Nested repetitions that explode on a near-miss, and patterns that do not
    # compile. (Every rule also runs under a timeout when applied.)
    patterns = ["(a+)+$", "(x+x+)+y", "(a|aa)+b", "([a-z]+)*[0-9]", "(", "[z-a]"]
    cases = []
    for pattern in patterns:
        body = _json({"name": "slow", "kind": "drop_lines", "pattern": pattern})
        cases.append(
            Hostile(f"regex-rule-{pattern}", "post", "/api/rules/", body, code="invalid_rule")
        )
        cases.append(
            Hostile(
                f"regex-preview-{pattern}", "post", "/api/rules/preview/", body, code="invalid_rule"
            )
        )
    cases.append(
        Hostile(
            "selector-bad",
            "post",
            "/api/rules/",
            _json({"name": "s", "kind": "strip_selector", "pattern": "div[[["}),
        )
    )
    return cases


CASES = _text_cases() + _shape_cases() + _ssrf_cases() + _regex_cases()


@pytest.fixture
def world(db):
    lead = User.objects.create_user(username="hostile-lead")
    source = source_ingest(raw=ARTICLE, content_type="text/plain").source
    claim = claim_create(text="The quay reopens on Monday", user=lead)
    evidence = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="the quay reopens on Monday",
        user=lead,
    )
    return {
        "source": source.pk,
        "claim": claim.pk,
        "evidence": evidence.pk,
        "version": claim.version,
    }


@pytest.fixture
def dns_stub(monkeypatch):
    """Names the SSRF cases use answer from here (the outside world), never
    from a real DNS server; other names and IP literals resolve as usual."""
    real = socket.getaddrinfo
    answers = {
        "metadata.internal.example": ["169.254.169.254"],
        "rebind.internal.example": ["93.184.216.34", "10.1.2.3"],
        "news.example": ["93.184.216.34"],
    }

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in answers:
            return [info for a in answers[name] for info in real(a, port, *args, **kwargs)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _client(role: str) -> APIClient:
    client = APIClient()
    user = user_of_role(role, prefix="hostile")
    if user is not None:
        client.force_authenticate(user=user)
    return client


def _fill(text: str, world: dict) -> str:
    for key, value in world.items():
        text = text.replace("{" + key + "}", str(value)).replace(f'"{{{key}}}"', str(value))
    return text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.usefixtures("dns_stub")
def test_hostile_request_gets_a_clear_4xx_and_changes_nothing(case: Hostile, world, settings):
    settings.INGEST_ALLOW_PRIVATE_URLS = False
    client = _client(case.role)
    path = _fill(case.path, world)
    body = case.body
    if isinstance(body, str):
        body = _fill(
            body.replace('"{claim}"', "{claim}")
            .replace('"{source}"', "{source}")
            .replace('"{version}"', "{version}"),
            world,
        ).encode("utf-8", "surrogatepass")
    before = row_counts()

    if body is None:
        response = getattr(client, case.method)(path)
    else:
        response = client.generic(case.method.upper(), path, body, content_type=case.content_type)

    after = row_counts()
    changed = changed_tables(before, after)
    record(
        "hand-written",
        response.status_code,
        refused_write=case.method != "get",
        rows_changed=sum(abs(b - (a or 0)) for b, a in changed.values()),
    )
    assert response.status_code in case.status, response.content[:300]
    payload = response.json()
    assert isinstance(payload.get("detail"), str)
    assert payload["detail"]
    if case.code:
        assert payload["code"] == case.code, payload
    for word in case.detail_mentions:
        assert word in payload["detail"], payload
    assert changed == {}
