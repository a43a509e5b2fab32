"""Every refusal the hall can give has its Chinese, with the same named values.

The source is read with `ast`: each call of an error class (NotFound, Conflict, CaseRuleError…)
must pass a literal template whose `%(name)s` placeholders are exactly its keyword values, and
the server's zh_CN catalogue must translate that template with the same placeholders. A domain
refusal reaches the API through `ServiceError.of(exc)`, which keeps its template and values:
that is the only way to pass on a refusal, never `str(exc)` or an f-string.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import hall.store.case_codec  # noqa: F401  (the modules that define error classes)
import hall.web.app  # noqa: F401
import hall.web.auth  # noqa: F401
from hall.config import ROOT
from hall.documents.notices import KINDS as NOTICE_KINDS
from hall.domain.cases import CaseType, ClosingCode, LeadRole, StepName
from hall.domain.deadlines import PauseKind
from hall.domain.queue import TicketStatus, WindowState
from hall.domain.refusal import Refusal
from hall.services.actors import DEVICE_KINDS, STAFF_ROLES
from hall.web.refusals import HTTP_MESSAGES, TERMS

SOURCES = [ROOT / d for d in ("hall", "console", "kiosk", "display", "devices")]
CATALOGUE = ROOT / "hall" / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: Calls allowed to pass a template that is not a literal: (file relative to ROOT, enclosing function).
#: Empty: wrap a domain refusal with `ServiceError.of(exc)` instead of adding one here.
NON_LITERAL_SITES: set[tuple[str, str]] = set()


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


ERROR_CLASSES = {c.__name__ for c in _subclasses(Refusal)}


@cache
def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for base in SOURCES for path in sorted(base.rglob("*.py")) if ".venv" not in path.parts}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _calls_with_function(tree: ast.Module):
    """Every call with the name of the function around it."""
    def walk(node, where):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if isinstance(child, ast.Call):
                yield child, where
            yield from walk(child, inner)
    yield from walk(tree, "<module>")


@cache
def error_calls() -> list[tuple[str, int, str, ast.Call]]:
    """(file, line, enclosing function, call) of every error class constructed in the source."""
    found = []
    for path, tree in _trees().items():
        for call, where in _calls_with_function(tree):
            if _name(call.func) in ERROR_CLASSES:
                found.append((str(path.relative_to(ROOT)), call.lineno, where, call))
    return found


@cache
def catalogue() -> dict[tuple[str | None, str], str]:
    with CATALOGUE.open("rb") as f:
        cat = read_po(f)
    return {(m.context, m.id): m.string for m in cat if m.id and not m.fuzzy}


def literal_templates() -> list[tuple[str, str, set[str]]]:
    """(where, template, keyword names) of every call with a literal template."""
    out = []
    for file, line, _, call in error_calls():
        if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
            names = {k.arg for k in call.keywords if k.arg is not None}
            out.append((f"{file}:{line}", call.args[0].value, names))
    return out


def test_the_walk_finds_the_refusals():
    """A guard against a walk that silently finds nothing."""
    assert {"NotFound", "Conflict", "Forbidden", "Invalid", "Unauthorized", "QueueError", "CaseRuleError",
            "CalendarError", "CodecError"} <= ERROR_CLASSES
    templates = {t for _, t, _ in literal_templates()}
    assert len(templates) > 150
    assert "window %(window)s has no ticket called" in templates
    assert "cannot %(action)s a ticket that is %(status)s" in templates


def test_every_template_is_a_literal_not_an_f_string_or_str_of_an_exception():
    bad = []
    for file, line, where, call in error_calls():
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            continue
        if (file, where) not in NON_LITERAL_SITES:
            shown = ast.unparse(first) if first is not None else "(no message)"
            bad.append(f"{file}:{line} in {where}(): {_name(call.func)}({shown[:60]})")
    assert bad == [], "refusals must be literal templates with keyword values:\n" + "\n".join(bad)


def test_every_placeholder_has_its_value_and_every_value_its_placeholder():
    bad = [f"{where}: {template!r} given {sorted(names)}" for where, template, names in literal_templates()
           if set(PLACEHOLDER.findall(template)) != names]
    assert bad == [], "\n".join(bad)


def test_templates_use_only_named_placeholders():
    """`%s` or `%d` would break gettext's `%` with named values; a literal percent sign is written `%%`."""
    bad = [f"{where}: {template!r}" for where, template, _ in literal_templates()
           if re.sub(r"%\(\w+\)s|%%", "", template).count("%")]
    assert bad == [], "\n".join(bad)


def test_every_refusal_has_its_chinese_with_the_same_placeholders():
    translations = catalogue()
    missing, mismatched = [], []
    for where, template, _ in literal_templates():
        chinese = translations.get((None, template), "")
        if not chinese.strip():
            missing.append(f"{where}: {template!r}")
        elif sorted(PLACEHOLDER.findall(chinese)) != sorted(PLACEHOLDER.findall(template)):
            mismatched.append(f"{where}: {template!r} → {chinese!r}")
        elif re.search(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", chinese)) and not re.search(r"[\u4e00-\u9fff]", chinese):
            mismatched.append(f"{where}: {template!r} is not translated: {chinese!r}")
    assert missing == [], "add these to the zh_CN catalogue (bash scripts/catalogue.sh):\n" + "\n".join(missing)
    assert mismatched == [], "\n".join(mismatched)


def _term_values_by_context() -> dict[str, set[str]]:
    """The words the code can mark as terms, by context: whole enumerations, and the literals passed on."""
    by_context = {
        "ticket status": {s.value for s in TicketStatus},
        "window state": {s.value for s in WindowState},
        "case type": {t.value for t in CaseType},
        "case step": {s.value for s in StepName},
        "case closing": {c.value for c in ClosingCode},
        "pause kind": {k.value for k in PauseKind},
        "lead role": {r.value for r in LeadRole},
        "role": set(STAFF_ROLES) | set(DEVICE_KINDS),
        "device kind": set(DEVICE_KINDS),
        "notice": set(NOTICE_KINDS),
    }
    for context, words in _literal_terms().items():
        by_context.setdefault(context, set()).update(words)
    return by_context


def _literal_terms() -> dict[str, set[str]]:
    """Literal words that reach `Term(param, "context")`, following parameters through helper functions.

    E.g. `_require_text(handler, "the accepting clerk")` → `CaseRuleError(…, what=Term(what, "case field"))`.
    """
    functions = {node.name: node for tree in _trees().values() for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef)}

    def params(fn: ast.FunctionDef) -> list[str]:
        return [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]

    term_params: dict[str, dict[str, str]] = {}  # function → parameter → context
    changed = True
    while changed:
        changed = False
        for name, fn in functions.items():
            mine = term_params.setdefault(name, {})
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                for param, context in _term_arguments(call, functions, term_params, params):
                    if param in params(fn) and mine.get(param) != context:
                        mine[param], changed = context, True
    found: dict[str, set[str]] = {}
    for tree in _trees().values():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            for value, context in _term_arguments(call, functions, term_params, params, literal=True):
                found.setdefault(context, set()).add(value)
    return found


def _term_arguments(call, functions, term_params, params, *, literal=False):
    """(name or literal, context) of the arguments of `call` that become terms."""
    def pick(node):
        if literal:
            return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
        return node.id if isinstance(node, ast.Name) else None

    name = _name(call.func)
    if name == "Term" and len(call.args) == 2 and isinstance(call.args[1], ast.Constant):
        value = pick(call.args[0])
        if value is not None:
            yield value, call.args[1].value
        return
    if name not in functions or not term_params.get(name):
        return
    names = params(functions[name])
    given = {names[i]: a for i, a in enumerate(call.args) if i < len(names)}
    given.update({k.arg: k.value for k in call.keywords if k.arg})
    for param, context in term_params[name].items():
        if param in given and (value := pick(given[param])) is not None:
            yield value, context


def test_every_term_is_listed_and_translated():
    translations = catalogue()
    by_context = _term_values_by_context()
    assert {"the accepting clerk", "the written reason"} <= by_context["case field"]  # the walk follows helpers
    assert {"start serving", "mark no-show"} <= by_context["ticket action"]
    assert {"paused", "voided"} <= by_context["case action"]
    unlisted = sorted((c, w) for c, words in by_context.items() for w in words if (c, w) not in TERMS)
    assert unlisted == [], "add these to TERMS in hall/web/refusals.py and translate them"
    untranslated = sorted(t for t in TERMS if not translations.get(t, "").strip())
    assert untranslated == [], "translate these terms in the zh_CN catalogue (bash scripts/catalogue.sh)"


def test_things_named_by_id_are_terms():
    """`_int_id(value, "service_id")` says "no service with id …": the thing is a term."""
    things = set()
    for tree in _trees().values():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) == "_int_id"):
            what = call.args[1]
            assert isinstance(what, ast.Constant), ast.unparse(call)
            things.add(what.value.removesuffix("_id").replace("_", " "))
    assert things and {("thing", t) for t in things} <= TERMS


@pytest.mark.parametrize("status", sorted(HTTP_MESSAGES))
def test_http_errors_are_translated(status):
    assert catalogue().get(HTTP_MESSAGES[status], "").strip()


def test_the_catalogue_script_extracts_every_error_class():
    script = (ROOT / "scripts" / "catalogue.sh").read_text()
    keywords = set(re.findall(r"-k (\w+)", script))
    assert ERROR_CLASSES - keywords == set(), "add the error class as a -k keyword to scripts/catalogue.sh"
    assert "_term" in keywords


def test_a_translation_that_does_not_fit_falls_back_to_english(monkeypatch):
    """A refusal must stay a refusal: a broken translation gives the English sentence, not a 500."""
    from hall.services.errors import Conflict
    from hall.web import refusals

    monkeypatch.setattr(refusals, "gettext", lambda template, **values: "%(other)s" % values)
    exc = Conflict("window %(window)s has no ticket called", window=5)
    assert refusals.localized_message(exc) == "window 5 has no ticket called"
