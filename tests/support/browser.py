"""Playwright fixtures driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import pytest

from tests.support.services import chromium_path

# Select [start, end) of the article's text with a DOM Range over its text
# nodes, as a mouse drag would, then release the mouse.
SELECT_JS = """([start, end]) => {
  const root = document.getElementById("article");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (start >= seen && start <= seen + len) range.setStart(node, start - seen);
    if (end >= seen && end <= seen + len) { range.setEnd(node, end - seen); break; }
    seen += len;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """``login(user)`` signs ``user`` in through the real login form."""

    def sign_in(user, password: str | None = None) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password or "pw-" + user.username)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in
