"""Invariants of the demo hall configuration (hall/data/demo_hall.toml).

The demo hall is what a fresh install shows on the kiosk, the window displays and the
console, so its catalogue has to hang together: every reference resolves, every item
can be served at some window, every window has a clerk, ticket prefixes are unambiguous
on the call screens, and no promised time limit reaches the statutory one.
"""

import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "hall" / "data" / "demo_hall.toml"

# The 13 resident departments and units (进驻单位) the demo hall is modelled on, with the
# names as that centre published them.
RESIDENT_DEPARTMENTS = {
    "县发展和改革局",
    "县科技农牧扶贫开发局",
    "县国土资源局",
    "县公安局",
    "县民政局",
    "县住房和城乡建设局",
    "县文化体育广播电视旅游局",
    "县卫生和人口计划生育局",
    "县残疾人联合会",
    "县工商行政管理局",
    "县地方税务局",
    "县环境保护林业水利局",
    "县人力资源和社会保障局",
}

KEYS = {
    "hall": {
        "name",
        "name_en",
        "timezone",
        "opening_time",
        "closing_time",
        "recall_limit",
        "reinstate_minutes",
        "reinstate_places_back",
    },
    "departments": {"code", "name", "name_en", "theme"},
    "services": {
        "code",
        "department",
        "name",
        "name_en",
        "prefix",
        "item_class",
        "case_type",
        "promised_days",
        "statutory_days",
        "legal_basis",
        "content",
        "procedure",
        "materials",
        "workflow",
        "fee",
        "consult_phone",
    },
    "windows": {"number", "department", "kind", "services"},
    "staff": {"username", "name", "role", "badge", "title", "department", "password"},
}

ITEM_CLASSES = {"licence", "non_licence", "supervision", "public_service"}
CASE_TYPES = {"immediate", "promised", "joint", "report_up", "special", "supplement", "returned"}
WORKFLOW_STEPS = {"受理", "承办", "审核", "批准", "办结"}
ROLES = {"clerk", "window_lead", "duty_officer", "supervisor", "director", "admin"}
PREFIX_LETTERS = set("ABCDEFGHJKLMNPQRSTUVWXYZ")  # A–Z without I and O
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def hall():
    with DATA.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def departments(hall):
    return {d["code"]: d for d in hall["departments"]}


@pytest.fixture(scope="module")
def services(hall):
    return {s["code"]: s for s in hall["services"]}


def test_only_the_schema_keys(hall):
    assert set(hall) == set(KEYS)
    assert set(hall["hall"]) == KEYS["hall"]
    for section in ("departments", "services", "windows", "staff"):
        for row in hall[section]:
            assert set(row) == KEYS[section], (section, row)


def test_hall_settings(hall):
    h = hall["hall"]
    assert h["name"].endswith("政务服务中心")
    assert h["name_en"]
    assert h["timezone"] == "Asia/Shanghai"
    for key in ("opening_time", "closing_time"):
        assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", h[key]), key
    assert h["opening_time"] < h["closing_time"]
    assert h["recall_limit"] == 3
    assert h["reinstate_minutes"] == 30
    assert h["reinstate_places_back"] == 3


@pytest.mark.parametrize(
    "section,key",
    [
        ("departments", "code"),
        ("departments", "name"),
        ("services", "code"),
        ("windows", "number"),
        ("staff", "username"),
        ("staff", "badge"),
    ],
)
def test_unique(hall, section, key):
    counts = Counter(row[key] for row in hall[section])
    assert not [v for v, n in counts.items() if n > 1]


def test_departments_are_the_residents_plus_comprehensive_themes(hall):
    ordinary = [d for d in hall["departments"] if d["theme"] == ""]
    comprehensive = [d for d in hall["departments"] if d["theme"] != ""]
    assert {d["name"] for d in ordinary} == RESIDENT_DEPARTMENTS
    assert len(ordinary) == 13
    assert 2 <= len(comprehensive) <= 3
    assert len({d["theme"] for d in comprehensive}) == len(comprehensive)
    for d in hall["departments"]:
        assert re.fullmatch(r"[A-Z]{2,4}", d["code"]), d["code"]
        assert HAN.search(d["name"]) and d["name_en"]


def test_sizes(hall):
    assert 28 <= len(hall["windows"]) <= 32
    assert 55 <= len(hall["services"]) <= 65


def test_service_codes_belong_to_their_department(hall, departments):
    for s in hall["services"]:
        assert s["department"] in departments, s["code"]
        assert re.fullmatch(rf"{s['department']}-\d{{3}}", s["code"]), s["code"]


def test_every_department_has_services_and_windows(hall, departments):
    with_services = {s["department"] for s in hall["services"]}
    with_windows = {w["department"] for w in hall["windows"]}
    assert with_services == set(departments)
    assert with_windows == set(departments)


def test_prefixes(hall, departments):
    by_department = defaultdict(set)
    for s in hall["services"]:
        assert s["prefix"] in PREFIX_LETTERS, (s["code"], s["prefix"])
        by_department[s["department"]].add(s["prefix"])
    # all services of a department share one letter ...
    for code, letters in by_department.items():
        assert len(letters) == 1, (code, letters)
    # ... and no two departments (comprehensive ones included) share a letter
    letters = [next(iter(v)) for v in by_department.values()]
    assert len(letters) == len(set(letters)) == len(departments)
    assert len(letters) <= 26


def test_time_limits(hall):
    for s in hall["services"]:
        p, st = s["promised_days"], s["statutory_days"]
        assert isinstance(p, int) and isinstance(st, int), s["code"]
        assert 0 <= p < st, s["code"]
        if s["case_type"] == "immediate":
            assert p == 0, s["code"]
        else:
            assert p > 0, s["code"]


def test_classes_and_case_types(hall):
    cases = Counter()
    for s in hall["services"]:
        assert s["item_class"] in ITEM_CLASSES, s["code"]
        assert s["case_type"] in CASE_TYPES, s["code"]
        cases[s["case_type"]] += 1
    assert cases["immediate"] >= 10
    assert cases["promised"] >= 10
    assert cases["joint"] >= 2
    assert cases["report_up"] >= 2


def test_seven_public_facts(hall):
    for s in hall["services"]:
        code = s["code"]
        assert HAN.search(s["name"]) and s["name_en"], code
        assert "《" in s["legal_basis"] and "》" in s["legal_basis"], code
        assert s["content"].endswith("。"), code
        assert s["procedure"], code
        assert 2 <= len(s["materials"]) <= 6, code
        assert len(set(s["materials"])) == len(s["materials"]), code
        assert all(isinstance(m, str) and m for m in s["materials"]), code
        assert s["workflow"][0] == "受理" and s["workflow"][-1] == "办结", code
        assert set(s["workflow"]) <= WORKFLOW_STEPS, code
        assert s["fee"], code
        assert re.fullmatch(r"0\d{2,3}-\d{7,8}", s["consult_phone"]), code


def test_windows(hall, departments, services):
    numbers = [w["number"] for w in hall["windows"]]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    for w in hall["windows"]:
        dept = departments[w["department"]]
        assert w["kind"] == ("comprehensive" if dept["theme"] else "department"), w["number"]
        assert w["services"], w["number"]
        assert len(set(w["services"])) == len(w["services"]), w["number"]
        for code in w["services"]:
            assert code in services, (w["number"], code)
            if w["kind"] == "department":
                assert services[code]["department"] == w["department"], (w["number"], code)


def test_comprehensive_windows_span_departments(hall, departments, services):
    per_theme = Counter()
    for w in hall["windows"]:
        if w["kind"] != "comprehensive":
            continue
        per_theme[w["department"]] += 1
        owners = {services[c]["department"] for c in w["services"]}
        assert w["department"] in owners, w["number"]
        assert len(owners - {w["department"]}) >= 2, w["number"]
    for code, d in departments.items():
        if d["theme"]:
            assert 3 <= per_theme[code] <= 5, code


def test_department_windows_have_one_to_three(hall, departments):
    per_department = Counter(w["department"] for w in hall["windows"])
    for code, d in departments.items():
        if not d["theme"]:
            assert 1 <= per_department[code] <= 3, code


def test_every_service_is_served(hall, services):
    served = {c for w in hall["windows"] for c in w["services"]}
    assert served == set(services)


def test_staff(hall, departments):
    roles = Counter(p["role"] for p in hall["staff"])
    assert set(roles) <= ROLES
    assert roles["duty_officer"] == 2
    assert roles["supervisor"] == roles["director"] == roles["admin"] == 1
    usernames = {p["username"] for p in hall["staff"]}
    assert {"admin", "director", "supervisor", "duty1", "duty2"} <= usernames
    admin = next(p for p in hall["staff"] if p["username"] == "admin")
    assert admin["role"] == "admin"
    for p in hall["staff"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", p["username"]), p["username"]
        assert p["password"] == "hall-demo", p["username"]
        assert HAN.search(p["name"]) and p["title"] and p["badge"], p["username"]
        if p["role"] in ("clerk", "window_lead"):
            assert p["department"] in departments, p["username"]
        else:
            assert p["department"] == "", p["username"]


def test_one_window_lead_per_department(hall, departments):
    leads = Counter(p["department"] for p in hall["staff"] if p["role"] == "window_lead")
    assert leads == Counter(set(departments))


def test_every_window_can_be_staffed(hall, departments):
    windows = Counter(w["department"] for w in hall["windows"])
    clerks = Counter(p["department"] for p in hall["staff"] if p["role"] == "clerk")
    for code in departments:
        assert clerks[code] >= windows[code], code


def test_clerks_are_numbered_in_window_order(hall):
    clerks = [p for p in hall["staff"] if p["role"] == "clerk"]
    assert [p["username"] for p in clerks] == [f"clerk{n:02d}" for n in range(1, len(clerks) + 1)]
    window_departments = [w["department"] for w in hall["windows"]]
    # Walking the windows in order, the clerks' departments appear in the same order
    # (a window with two clerks repeats its department).
    seen = []
    for p in clerks:
        if not seen or seen[-1] != p["department"]:
            seen.append(p["department"])
    expected = []
    for d in window_departments:
        if not expected or expected[-1] != d:
            expected.append(d)
    assert seen == expected
