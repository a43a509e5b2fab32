"""Server voice: the call text as numbered pinyin, and a real WAV from espeak-ng."""

import wave

import pytest

from display import voice


def test_call_text_reads_letter_then_digits_one_by_one():
    text = voice.announcement_text("A012", "5")
    assert text == "请A012号到5号窗口办理"
    assert voice.spoken_pinyin(text) == "qing3 ei1 ling2 yi1 er4 hao4 dao4 wu3 hao4 chuang1 kou3 ban4 li3"


@pytest.mark.parametrize(("window", "spoken"), [("7", "qi1"), ("10", "shi2"), ("12", "shi2 er4"),
                                                ("20", "er4 shi2"), ("105", "yi4 bai3 ling2 wu3"),
                                                ("110", "yi4 bai3 yi1 shi2")])
def test_window_number_is_read_as_a_quantity(window, spoken):
    assert voice.spoken_pinyin(voice.announcement_text("B1234", window)) == (
        f"qing3 bi4 yi1 er4 san1 si4 hao4 dao4 {spoken} hao4 chuang1 kou3 ban4 li3")


def test_every_letter_has_a_reading():
    assert set(voice.LETTERS) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@pytest.mark.parametrize(("number", "window"), [("a012", "5"), ("A01", "5"), ("A012", "1000"), ("A012", "5; rm"),
                                                ("AB12", "5"), ("A012\n", "5"), ("-v", "5")])
def test_nothing_but_a_ticket_and_a_window_is_spoken(number, window, tmp_path):
    with pytest.raises(ValueError):
        voice.wav_for(number, window, tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_real_wav_is_made_once_and_cached(tmp_path):
    path = voice.wav_for("A012", "5", tmp_path)
    assert path.read_bytes()[:4] == b"RIFF" and path.read_bytes()[8:12] == b"WAVE"
    with wave.open(str(path)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 1.5 < seconds < 10
    mtime = path.stat().st_mtime_ns
    assert voice.wav_for("A012", "5", tmp_path) == path
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
