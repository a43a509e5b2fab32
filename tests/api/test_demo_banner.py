"""The demo's start banner names every page the hall serves, so nobody has to guess a URL."""

import re

from hall.demo import banner_lines

NOT_PAGES = {"/logout", "/kiosk/qr.svg", "/staff/<int:staff_id>/photo"}  # actions and images inside pages


def test_every_page_the_hall_serves_is_in_the_banner(app):
    """Each GET route outside the API and the static files appears in the banner, placeholders named."""
    text = "\n".join(banner_lines("http://hall.test", {"kiosk-1": "K", "screen-hall": "S"}, ["1", "30"], "/tmp/p"))
    pages = {r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.rule.startswith(("/api/", "/static")) and "/static/" not in r.rule}
    assert pages, "the app serves no pages"
    missing = []
    for rule in sorted(pages - NOT_PAGES):
        # /t/<token> in the app is /t/<ticket token> in the banner: any placeholder text stands for a variable
        pattern = re.escape("http://hall.test" + rule)
        pattern = re.sub(r"<[^>]*>", "<[^>]+>", pattern.replace(r"\<", "<").replace(r"\>", ">"))
        if not re.search(pattern + r"(\s|\?|$)", text):
            missing.append(rule)
    assert missing == []
    assert "/api/v1/openapi.json" in text and "token=K" in text and "token=S" in text and "windows 1–30" in text
