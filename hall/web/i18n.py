"""Languages: Chinese first (zh_CN), English available; ?lang= switches and a cookie remembers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, request

from hall.config import ROOT

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"
COOKIE = "hall_lang"
#: Every folder holding a catalogue: the server's own and each front end's.
TRANSLATION_DIRS = [ROOT / "hall" / "translations", ROOT / "kiosk" / "translations",
                    ROOT / "display" / "translations", ROOT / "console" / "translations",
                    ROOT / "monitor" / "translations"]


def select_locale() -> str:
    """?lang= first, then the remembered choice, then Chinese."""
    wanted = request.args.get("lang") or request.cookies.get(COOKIE)
    lang = wanted if wanted in LANGUAGES else DEFAULT
    g.current_lang = lang
    return lang


def remember_choice(response):
    """Keep an explicit ?lang= choice in a cookie."""
    lang = request.args.get("lang")
    if lang in LANGUAGES and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="Lax")
    return response


def lang_query(lang: str) -> str:
    """This page's query string with the language changed (keeps ?token= and the rest)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return urlencode(args)


def compile_catalogues() -> None:
    """Compile every messages.po to messages.mo when the .mo is missing or older."""
    for base in TRANSLATION_DIRS:
        for po in base.glob("*/LC_MESSAGES/messages.po"):
            for mo in _mo_paths(base, po):
                if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                    continue
                with po.open("rb") as src:
                    catalog = read_po(src)
                mo.parent.mkdir(parents=True, exist_ok=True)
                with mo.open("wb") as out:
                    write_mo(out, catalog)


def _mo_paths(base: Path, po: Path) -> list[Path]:
    """Beside the .po, and where Babel looks: it spells zh_CN as zh_Hans_CN since Babel 2.12."""
    folder = po.parent.parent.name
    paths = [po.with_suffix(".mo")]
    spelled = str(Locale.parse(folder))
    if spelled != folder:
        paths.append(base / spelled / "LC_MESSAGES" / "messages.mo")
    return paths


def translation_dirs() -> str:
    """The BABEL_TRANSLATION_DIRECTORIES setting."""
    return ";".join(str(Path(p)) for p in TRANSLATION_DIRS)
