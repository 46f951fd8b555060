import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_signs_in_and_sees_the_dashboard(page, analyst):
    page.goto("/")
    assert "/accounts/login/" in page.url

    page.fill("#id_username", "analyst1")
    page.fill("#id_password", "pw-analyst1")
    page.click("button[type=submit]")

    page.wait_for_selector("h1:has-text('Dashboard')")
    assert page.locator(".userbox").inner_text().startswith("analyst1")
    assert page.locator(".role").inner_text() == "analyst"


def test_a_wrong_password_is_refused_with_a_message(page, analyst):
    page.goto("/accounts/login/")
    page.fill("#id_username", "analyst1")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert (
        page.locator("[role=alert]")
        .inner_text()
        .startswith("Your username and password didn't match")
    )
