"""A refusal's words kept apart from its values, so each caller can say it in its own language.

Every error the hall raises to say "no" is written as a template with named values,
``Conflict("window %(window)s has no ticket called", window=5)``: ``str(exc)`` is the
English sentence (what logs, the CLI and the API's ``message`` show), and the web layer
looks the template up in the caller's language and fills in the same values.
Templates are plain literals so that ``pybabel extract`` finds them (see the README).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Refusal", "Term"]


class Term(str):
    """A word of the hall's vocabulary used as a value: ``Term("paused", "window state")``.

    ``str()`` is the English word; the web layer says it in the caller's language, looked
    up with its context (the same English word can be a ticket status and a case closing).
    """

    context: str

    def __new__(cls, value: str, context: str) -> Term:
        term = super().__new__(cls, value)
        term.context = context
        return term

    def __getnewargs__(self) -> tuple[str, str]:
        return str(self), self.context


class Refusal:
    """Mixin for exceptions: ``template`` (English, ``%(name)s`` placeholders) and ``params``."""

    template: str
    params: dict[str, Any]

    def __init__(self, template: str = "", /, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)

    def __reduce__(self):
        """Pickle with the template and values, not the formatted sentence."""
        return _rebuild, (type(self), self.template, self.params)


def _rebuild(cls: type, template: str, params: dict[str, Any]) -> Refusal:
    return cls(template, **params)
