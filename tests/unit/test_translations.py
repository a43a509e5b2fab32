"""The Chinese catalogues: the server merges every front end's catalogue into one, so they must agree."""

from babel.messages.pofile import read_po

from hall.web.i18n import TRANSLATION_DIRS


def _catalogues():
    for base in TRANSLATION_DIRS:
        for po in base.glob("*/LC_MESSAGES/messages.po"):
            with po.open("rb") as src:
                yield po, read_po(src)


def test_the_catalogues_are_found():
    """Each front end with pages ships a zh_CN catalogue."""
    owners = {po.parts[-5] for po, _ in _catalogues()}
    assert {"hall", "kiosk", "display", "console"} <= owners


def test_one_english_text_has_one_chinese_translation_across_the_catalogues():
    """A msgid translated two ways would show whichever catalogue was merged last on every page."""
    seen: dict[tuple[str | None, str], tuple[str, str]] = {}
    clashes = []
    for po, catalogue in _catalogues():
        for message in catalogue:
            if not message.id or not message.string:
                continue
            key = (message.context, message.id if isinstance(message.id, str) else message.id[0])  # msgctxt apart
            text = message.string if isinstance(message.string, str) else message.string[0]
            owner = po.parts[-5]
            if key in seen and seen[key][1] != text:
                clashes.append(f"{key!r}: {seen[key][0]} says {seen[key][1]!r}, {owner} says {text!r}")
            seen.setdefault(key, (owner, text))
    assert clashes == []
