"""Server voice for calls (语音叫号): the call text as numbered pinyin, spoken by espeak-ng, cached as WAV.

Debian's espeak-ng `cmn` voice reads many characters wrongly, so the text is converted to
numbered pinyin (pypinyin) and spoken with the `cmn-latn-pinyin` voice, which reads each
syllable exactly as written. Only ticket numbers (`A012`) and window numbers (`5`) are ever
put into the text, and both are checked before anything runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess  # green under eventlet's monkey patching: a synthesis never blocks the server
import tempfile
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from hall.domain.queue import call_text

TICKET_NUMBER = re.compile(r"^[A-Z]\d{3,4}$")
WINDOW_NUMBER = re.compile(r"^\d{1,3}$")
VOICE = "cmn-latn-pinyin"
SPEED_WPM = 150  # a little slower than espeak's 175: numbers must be caught across a noisy hall
TIMEOUT_S = 10

#: How halls read a ticket's letter in Mandarin: the English letter name as Chinese speakers
#: say it (A "ei", B "bi", W "da bu liu"…), written in pinyin so the pinyin voice says it that way.
#: Reading the letter as a pinyin syllable instead ("a", "bo") would sound like a word, not a letter.
LETTERS = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu5", "G": "ji4",
    "H": "ai1 qi1", "I": "ai4", "J": "jie4", "K": "kai4", "L": "ai2 lou5", "M": "ai2 mu5",
    "N": "en1", "O": "ou1", "P": "pi4", "Q": "kiu1", "R": "a4 er5", "S": "ai2 si5", "T": "ti4",
    "U": "you1", "V": "wei1", "W": "da2 bu5 liu5", "X": "ai2 ke4 si5", "Y": "wai1", "Z": "zei4",
}
DIGITS = "零一二三四五六七八九"
#: A ticket number inside the call text, and any other run of digits (the window number).
TOKEN = re.compile(r"(?P<ticket>[A-Z]\d{3,4})|(?P<digits>\d+)")


def ticket_chinese(number: str) -> str:
    """A012 → "A零一二": the digits of a ticket are read one by one, as the ticket is printed.

    Reading "012" as a quantity (十二) would drop the leading zero that is on the ticket, and
    digit by digit is how call systems read numbers so that "A012" and "A12" never sound alike.
    """
    return number[0] + "".join(DIGITS[int(d)] for d in number[1:])


def cardinal_chinese(value: int) -> str:
    """5 → 五, 12 → 十二, 20 → 二十, 105 → 一百零五: a window number is read as a quantity (十二号窗口)."""
    if not 0 <= value < 1000:
        raise ValueError("window numbers are below 1000")
    if value < 10:
        return DIGITS[value]
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    out = ""
    if hundreds:
        out += DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if ones:
        out += DIGITS[ones]
    return out


def spoken_pinyin(text: str) -> str:
    """A call text as space-separated numbered pinyin: 请A012号到5号窗口办理 → "qing3 ei1 ling2 yi1 er4 hao4 …"."""
    words: list[str] = []
    pos = 0
    for match in TOKEN.finditer(text):
        words += _han_pinyin(text[pos:match.start()])
        if match.group("ticket"):
            number = match.group("ticket")
            words.append(LETTERS[number[0]])
            words += _han_pinyin(ticket_chinese(number)[1:])
        else:
            words += _han_pinyin(cardinal_chinese(int(match.group("digits"))))
        pos = match.end()
    words += _han_pinyin(text[pos:])
    return " ".join(words)


def _han_pinyin(chars: str) -> list[str]:
    """Chinese characters as numbered pinyin (neutral tone as 5); anything else is dropped."""
    if not chars:
        return []
    syllables = lazy_pinyin(chars, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    return [s for s in syllables if re.fullmatch(r"[a-zü]+[1-5]", s.replace("v", "ü"))]


def announcement_text(number: str, window: str) -> str:
    """The call text for a checked ticket number and window number; ValueError for anything else."""
    if not TICKET_NUMBER.fullmatch(number) or not WINDOW_NUMBER.fullmatch(window):
        raise ValueError("only a ticket number like A012 and a window number like 5 are spoken")
    return call_text(number, window)


def wav_for(number: str, window: str, cache_dir: Path) -> Path:
    """The WAV file announcing this call, synthesised once and then kept on disk by its text."""
    text = announcement_text(number, window)
    pinyin = spoken_pinyin(text)
    key = hashlib.sha256(f"{VOICE}|{SPEED_WPM}|{pinyin}".encode()).hexdigest()[:32]
    path = cache_dir / f"{key}.wav"
    if path.exists() and path.stat().st_size > 44:
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    try:
        subprocess.run(["espeak-ng", "-v", VOICE, "-s", str(SPEED_WPM), "-w", tmp, "--", pinyin],
                       check=True, timeout=TIMEOUT_S, capture_output=True)
        if os.path.getsize(tmp) <= 44:
            raise RuntimeError("espeak-ng wrote an empty WAV")
        os.replace(tmp, path)  # atomic: a screen never reads a half-written file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
