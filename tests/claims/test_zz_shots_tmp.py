import pytest, datetime as dt
from claims import services
from sources.services import source_ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def seed(editor, analyst):
    n = 0
    specs = [
        ("The new bridge will open to traffic in May", 3, 2),
        ("City hall cut the library budget by a third", 1, 1),
        ("Ferry fares doubled since 2024", 2, 1),
    ]
    claims = []
    for text, a, d in specs:
        c = services.claim_create(text=text, tags=["transport"], user=analyst)
        for stance, k in (("asserts", a), ("disputes", d)):
            for i in range(k):
                n += 1
                exact = f"{'it is true that' if stance=='asserts' else 'it is false that'} {text.lower()}"
                s = source_ingest(raw=f"Story {n}. A spokesperson said {exact}, according to the minutes. Other news follows here.",
                    content_type="text/plain", outlet_domain=["dailyharbour.example","citypost.example","northgazette.example"][i%3],
                    title=f"Council debate, part {n}", published_at=dt.datetime(2026,2,n,tzinfo=dt.UTC)).source
                services.evidence_link(claim_id=c.pk, source_id=s.pk, stance=stance, exact=exact,
                    attributed_to=["Mayor Lena Ortiz","Councillor Sam Bright","Engineer Jo Kim",""][ (n) % 4], user=analyst)
        c.refresh_from_db(); claims.append(c)
    c = claims[2]
    services.claim_review(claim_id=c.pk, verdict="refuted", rationale="Fare tables show a 40% rise, not a doubling.", version=c.version, user=editor)
    return claims

def test_shots(page, login, editor, analyst):
    seed(editor, analyst)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(editor)
    page.goto("/review/")
    page.screenshot(path="/tmp/review.png", full_page=True)
    page.goto("/")
    page.screenshot(path="/tmp/dash_editor.png", full_page=True)
    page.context.clear_cookies()
    login(analyst)
    page.goto("/")
    page.screenshot(path="/tmp/dash_analyst.png", full_page=True)
