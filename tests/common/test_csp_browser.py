"""The Content-Security-Policy is enforced on every page, and the pages break
none of it: each page is opened in Chromium (and its htmx interactions run)
while the browser reports every ``securitypolicyviolation`` and console error."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from claims.services import claim_create, claim_review, evidence_link
from sources import rule_services
from sources.services import source_ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "<html><head><title>Ferry fares rise</title></head><body><article>"
    "<h1>Ferry fares rise in spring</h1>"
    "<p>The ferry company said fares would rise by ten percent in April.</p>"
    "<p>Passenger groups said the rise was not needed, citing last year's profits.</p>"
    "<p>The harbour board mentioned a review of the timetable.</p>"
    "</article></body></html>"
)

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def staff_editor(db) -> User:
    user = User.objects.create_superuser(username="csp-editor", password="pw-csp-editor")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    return user


@pytest.fixture
def world(staff_editor):
    source = source_ingest(raw=ARTICLE, content_type="text/html").source
    claim = claim_create(text="Ferry fares rise in April", user=staff_editor)
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="fares would rise by ten percent in April",
        attributed_to="The ferry company",
        user=staff_editor,
    )
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="the rise was not needed",
        attributed_to="Passenger groups",
        user=staff_editor,
    )
    reviewed = claim_create(text="The timetable is under review", user=staff_editor)
    claim_review(
        claim_id=reviewed.pk,
        verdict="supported",
        rationale="The board said so.",
        version=reviewed.version,
        user=staff_editor,
    )
    change = rule_services.rule_create(
        user=staff_editor, name="Drop adverts", kind="drop_lines", pattern="^Advertisement$"
    )
    return {
        "source": source.pk,
        "claim": claim.pk,
        "reviewed": reviewed.pk,
        "rule": change.rule.pk,
        "job": change.reparse_job.pk if change.reparse_job else None,
    }


PAGES = [
    "/",
    "/sources/",
    "/sources/new/",
    "/sources/{source}/",
    "/claims/",
    "/claims/{claim}/",
    "/claims/{reviewed}/",
    "/review/",
    "/quotes/",
    "/rules/",
    "/rules/new/",
    "/rules/{rule}/edit/",
    "/accounts/profile/",
    "/api/docs/",
    "/admin/",
    "/admin/claims/claim/",
    "/admin/claims/claim/{claim}/change/",
    "/admin/sources/source/{source}/change/",
]


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (events and console reports) and
    uncaught script errors. (A 409 the page asked for is not a problem.)"""
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def violations() -> list[str]:
        """What went wrong since the last call."""
        found = problems + page.evaluate("window.__violations || []")
        problems.clear()
        return found

    page.violations = violations
    return page


def test_every_page_keeps_to_the_policy(watched, login, staff_editor, world):
    page = watched
    login(staff_editor, "pw-csp-editor")
    seen = {}
    for template in PAGES:
        path = template.format(**world)
        response = page.goto(path)
        assert response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, path
        page.wait_for_load_state("networkidle")
        if path == "/api/docs/":  # Swagger UI really starts (its script is a file)
            page.wait_for_selector("#swagger-ui .opblock")
        seen[path] = page.violations()
    bad = {path: found for path, found in seen.items() if found}
    assert bad == {}, "\n".join(f"{p}: {v}" for p, f in bad.items() for v in f)


def test_the_login_page_keeps_to_the_policy(watched, db):
    response = watched.goto("/accounts/login/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    watched.wait_for_load_state("networkidle")
    assert watched.violations() == []


def test_htmx_interactions_keep_to_the_policy(watched, login, staff_editor, world):
    page = watched
    login(staff_editor, "pw-csp-editor")
    # Live filtering swaps the list rows in.
    page.goto("/claims/")
    with page.expect_response(lambda r: "/claims/?" in r.url):
        page.fill("input[name=q]", "ferry")
    page.wait_for_load_state("networkidle")
    # A stale verdict answers 409: the box shows the conflict (data-swap-errors).
    page.goto(f"/claims/{world['claim']}/")
    box = page.locator(f"#verdict-{world['claim']}")
    box.locator("input[name=version]").evaluate("(el) => { el.value = '0'; }")
    box.locator("[data-testid=verdict-select]").select_option("refuted")
    box.locator("[data-testid=verdict-rationale]").fill("The fares did not rise.")
    box.locator("[data-testid=verdict-submit]").click()
    page.wait_for_selector("[data-testid=verdict-conflict]")
    # The reader's article and panel come in through htmx too.
    page.goto(f"/sources/{world['source']}/")
    page.wait_for_selector("[data-evidence]")
    page.wait_for_load_state("networkidle")
    assert page.violations() == []
