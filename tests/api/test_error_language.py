"""Refusals in the caller's language: `message` stays English, `localized_message` is Chinese by default.

Every response goes through the `Api` clients, so each error body is also checked against the
OpenAPI Error schema (which requires `localized_message`).
"""

from __future__ import annotations

import pytest

from tests.api.conftest import check_documented
from tests.api.test_cases_api import desk, open_body  # noqa: F401 (the desk fixture)


def refusal(response, status: int) -> tuple[str, str]:
    """(message, localized_message) of a refused request with the expected status."""
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    return error["message"], error["localized_message"]


def both(api, method: str, path: str, status: int, json=None) -> tuple[tuple[str, str], tuple[str, str]]:
    """The same refused request in the default language and with ?lang=en."""
    call = getattr(api, method)
    args = () if method == "get" else (json,)
    sep = "&" if "?" in path else "?"
    default = refusal(call(path, *args), status)
    english = refusal(call(f"{path}{sep}lang=en", *args), status)
    api.client.delete_cookie("hall_lang")  # ?lang= is remembered in a cookie; later calls start afresh
    return default, english


def test_finishing_a_ticket_never_called(as_staff, ids):
    clerk, w1 = as_staff("clerk01"), ids["windows"]["1"]
    clerk.post(f"/windows/{w1}/open")
    (message, chinese), (message_en, english) = both(clerk, "post", f"/windows/{w1}/finish", 409)
    assert message == message_en == english == "window 1 has no ticket called"
    assert chinese == "1号窗口没有已叫的号"


def test_an_unknown_service_id(kiosk):
    (message, chinese), (message_en, english) = both(kiosk, "post", "/tickets", 404, {"service_id": 999})
    assert message == message_en == english == "no service item with id 999"
    assert chinese == "找不到事项（ID 999）"


def test_a_case_pause_that_ends_before_it_starts(desk):  # noqa: F811
    """A refusal of the domain's clock rules keeps its template and values through the service layer."""
    clerk = desk["clerk"]
    cid = clerk.post("/cases", open_body(desk)).get_json()["id"]
    pause = {"kind": "hearing", "reason": "听证", "start": "2026-11-25", "end": "2026-11-24"}
    (message, chinese), (message_en, english) = both(clerk, "post", f"/cases/{cid}/pause", 422, pause)
    assert message == message_en == english == "a pause cannot end (2026-11-24) before it starts (2026-11-25)"
    assert chinese == "暂停的结束日期（2026-11-24）不能早于开始日期（2026-11-25）"


def test_words_in_a_refusal_are_translated_too(kiosk, as_staff, ids):
    """A ticket status, a queue action and a case step are said in Chinese, not left as English words."""
    clerk, w1 = as_staff("clerk01"), ids["windows"]["1"]
    clerk.post(f"/windows/{w1}/open")
    kiosk.post("/tickets", {"service_id": ids["services"]["SCJ-001"]})
    clerk.post(f"/windows/{w1}/call-next")
    clerk.post(f"/windows/{w1}/start")

    (message, chinese), (_, english) = both(clerk, "post", f"/windows/{w1}/recall", 409)
    assert message == english == "only a called ticket can be recalled; A001 is serving"
    assert chinese == "只有已叫号的票号才能重呼；A001 当前为「办理中」"

    (message, chinese), (_, english) = both(clerk, "post", f"/windows/{w1}/start", 409)
    assert message == english == "cannot start serving a ticket that is serving"  # the queue rules' own refusal
    assert chinese == "票号处于「办理中」状态，不能开始办理"


def test_a_refused_case_step_names_the_steps_in_chinese(desk):  # noqa: F811
    clerk = desk["clerk"]
    cid = clerk.post("/cases", open_body(desk)).get_json()["id"]
    (message, chinese), (_, english) = both(clerk, "post", f"/cases/{cid}/steps", 409,
                                            {"action": "pass", "step": "finish"})
    assert message == english
    assert message.startswith("case ") and message.endswith(" is at the accept step, not finish")
    assert chinese.endswith("正处于「受理」环节，不是「办结」环节")


def test_the_language_cookie_is_honoured(client, as_staff, ids):
    clerk, w1 = as_staff("clerk01"), ids["windows"]["1"]
    clerk.post(f"/windows/{w1}/open")
    client.set_cookie("hall_lang", "en")
    assert refusal(clerk.post(f"/windows/{w1}/finish"), 409)[1] == "window 1 has no ticket called"
    client.set_cookie("hall_lang", "zh_CN")
    assert refusal(clerk.post(f"/windows/{w1}/finish"), 409)[1] == "1号窗口没有已叫的号"


def test_validation_and_credential_refusals(client, kiosk, anonymous):
    (message, chinese), (_, english) = both(kiosk, "post", "/tickets", 422, {})
    assert message == english == "missing field(s): service_id"
    assert chinese == "缺少字段：service_id"
    (message, chinese), (_, english) = both(anonymous, "get", "/services", 401)
    assert message == english == "log in or send a valid bearer token"
    assert chinese == "请登录，或发送有效的 Bearer 令牌"


@pytest.mark.parametrize("lang, expected", [(None, "找不到请求的内容"), ("en", "Not found")])
def test_errors_flask_answers_itself_carry_a_localized_message_too(client, lang, expected):
    """An unknown API address is not in the OpenAPI document, but its error has the same shape."""
    response = client.get("/api/v1/no-such-thing" + (f"?lang={lang}" if lang else ""))
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found" and error["localized_message"] == expected
    assert error["message"]  # Werkzeug's English description, unchanged


def test_a_forbidden_role_is_named_in_chinese(as_staff, ids):
    duty = as_staff("duty1")
    response = check_documented(duty.client.post(f"/api/v1/windows/{ids['windows']['1']}/call-next",
                                                 headers=duty._headers(), json={}))
    message, chinese = refusal(response, 403)
    assert message == "a duty_officer may not do this"
    assert chinese == "值班人员无权执行此操作"


def test_lang_is_a_parameter_of_every_operation(as_staff):
    """The pages add ?lang= to every API call; a read that checks its parameters accepts it."""
    clerk = as_staff("clerk01")
    assert clerk.get("/cases?status=open&lang=en").status_code == 200
    assert refusal(clerk.get("/cases?colour=red&lang=en"), 422)[1] == "unknown parameter(s): colour"
