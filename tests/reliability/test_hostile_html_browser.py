"""Hostile HTML never reaches a page unescaped, checked in Chromium.

An article full of scripts, event handlers, ``javascript:`` links, SVG and CSS
payloads is ingested; payloads also go into every field a person can type
that pages show (claim text, tags, speaker, note, rule name, token name).
Then every page that shows them is opened: no dialog opens, no payload
function runs, and the DOM holds no element or attribute the payloads tried
to create. The Content-Security-Policy would block inline scripts anyway, so
the DOM is checked too: escaping must hold on its own.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from claims.services import claim_create, evidence_link
from claims_tracker.common.tokens import api_token_create
from sources import rule_services
from sources.services import source_ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>window.__pwned('script')</script>",
    "<img src=x onerror=\"window.__pwned('img')\">",
    "<svg onload=\"window.__pwned('svg')\"><circle r=1 /></svg>",
    "<a href=\"javascript:window.__pwned('link')\">click</a>",
    "<iframe srcdoc=\"<script>parent.__pwned('iframe')</script>\"></iframe>",
    "<style>body{background:url(\"javascript:window.__pwned('css')\")}</style>",
    '"><body onload="window.__pwned(\'attr\')">',
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned('mxss')\">",
]
HOSTILE = " ".join(PAYLOADS)

ARTICLE = (
    "<html><head><title>Harbour dues " + PAYLOADS[0] + "</title>"
    '<meta name="author" content="' + PAYLOADS[1].replace('"', "&quot;") + '">'
    "<script>window.__pwned('head-script')</script></head><body>"
    "<article><h1>Harbour dues rise</h1>"
    "<p onclick=\"window.__pwned('p')\">The harbour board said dues would rise in May.</p>"
    "<p>Shipping agents said the rise was unlawful "
    "<img src=x onerror=\"window.__pwned('body-img')\">, citing the charter.</p>"
    "<p><a href=\"javascript:window.__pwned('body-link')\">Read the charter</a> "
    "and <svg><script>window.__pwned('svg-script')</script></svg> more.</p>"
    "<p>" + "&lt;script&gt;window.__pwned('escaped')&lt;/script&gt; is quoted text.</p>"
    "</article></body></html>"
)

# Pasted plain text that merely looks like markup: shown as the words it is.
PASTED = "\n\n".join(
    f"The council clerk quoted the message {payload} in the minutes of the meeting."
    for payload in PAYLOADS
)

WATCH = """
window.__hits = [];
window.__pwned = (what) => window.__hits.push(what);
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => window.__hits.push(name + ":" + args.join(","));
}
"""

INJECTED = r"""() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const url = /^(href|src|action|formaction|xlink:href|data|poster)$/i.test(attr.name);
      if (/^on/i.test(attr.name) || (url && /^\s*javascript:/i.test(attr.value)) || attr.name === "srcdoc") {
        found.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 60)}`);
      }
    }
  }
  for (const s of document.querySelectorAll("script:not([src])")) {
    if (s.type !== "application/ld+json" && s.textContent.includes("__pwned")) found.push("inline script");
  }
  for (const tag of ["iframe", "svg[onload]", "img[src=x]", "math"]) {
    if (document.querySelector(tag)) found.push("element " + tag);
  }
  return found;
}"""


@pytest.fixture
def hostile_world(db):
    editor = User.objects.create_user(username="hostile-editor", password="pw-hostile-editor")
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    source = source_ingest(
        raw=ARTICLE, content_type="text/html", outlet_domain="harbour.example"
    ).source
    pasted = source_ingest(raw=PASTED, content_type="text/plain").source
    claim = claim_create(
        text="Harbour dues rise " + PAYLOADS[0], tags=[PAYLOADS[1][:40]], user=editor
    )
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="dues would rise in May",
        attributed_to=PAYLOADS[2][:120],
        note=HOSTILE,
        user=editor,
    )
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="the rise was unlawful",
        attributed_to="Shipping agents",
        user=editor,
    )
    rule_services.rule_create(
        user=editor, name="Rule " + PAYLOADS[3][:60], kind="drop_lines", pattern="^Advert$"
    )
    api_token_create(user=editor, name=PAYLOADS[6][:100])
    return {"editor": editor, "source": source.pk, "pasted": pasted.pk, "claim": claim.pk}


def test_hostile_html_is_shown_as_text_on_every_page(page, login, hostile_world):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(WATCH)
    login(hostile_world["editor"], "pw-hostile-editor")
    paths = [
        "/",
        "/sources/",
        f"/sources/{hostile_world['source']}/",
        f"/sources/{hostile_world['pasted']}/",
        "/claims/",
        f"/claims/{hostile_world['claim']}/",
        "/review/",
        "/quotes/",
        "/rules/",
        "/accounts/profile/",
    ]
    problems = {}
    for path in paths:
        assert page.goto(path).status == 200, path
        page.wait_for_load_state("networkidle")
        hits = page.evaluate("window.__hits")
        injected = page.evaluate(INJECTED)
        if hits or injected:
            problems[path] = {"ran": hits, "injected": injected}
    assert dialogs == []
    assert problems == {}

    # The words are there, as text: escaped, not dropped.
    page.goto(f"/claims/{hostile_world['claim']}/")
    assert "<script>window.__pwned('script')</script>" in page.inner_text("body")
    page.goto(f"/sources/{hostile_world['pasted']}/")
    page.wait_for_load_state("networkidle")
    assert "onerror=" in page.inner_text("body")
