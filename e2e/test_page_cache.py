"""A stored public page in a real browser: the JSON-LD data block under the nonce-free policy."""

import json


def test_a_stored_article_keeps_its_data_block_under_the_policy_without_nonce(new_page):
    first = new_page()
    first.goto("/learn/tms-therapy/")
    second = new_page()
    response = second.goto("/learn/tms-therapy/")

    assert response.headers["x-page-cache"] == "hit"
    assert "nonce" not in response.headers["content-security-policy"]
    # The browser keeps the block as data: readable, never run, and no CSP report in the console
    # (the new_page fixture fails the test on any Content-Security-Policy message).
    blocks = second.eval_on_selector_all('script[type="application/ld+json"]', "els => els.map(e => e.textContent)")
    assert blocks
    assert json.loads(blocks[0])["@type"]
    # Only the site's own files may run, and the article needs none.
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert second.eval_on_selector_all("script[src]", "els => els.length") == 0
