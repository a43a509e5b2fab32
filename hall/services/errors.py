"""Errors the application services raise; the web layer turns them into 4xx JSON."""

from __future__ import annotations

from typing import Self

from hall.domain.refusal import Refusal


class ServiceError(Refusal, Exception):
    """A request the hall refuses; `code` names the kind, the message (a template and its values) says why.

    ``Conflict("window %(window)s has no ticket called", window=5)``: ``str()`` is the English
    sentence; the web layer also says it in the caller's language.
    """

    code = "bad_request"
    status = 400

    @classmethod
    def of(cls, refusal: Refusal) -> Self:
        """A domain rule's refusal (queue, case, calendar) as this service error, same template and values."""
        return cls(refusal.template, **refusal.params)


class NotFound(ServiceError):
    """Something named by id does not exist."""

    code = "not_found"
    status = 404


class Conflict(ServiceError):
    """The request does not fit the current state (e.g. finishing a ticket never called)."""

    code = "conflict"
    status = 409


class Forbidden(ServiceError):
    """The caller may not do this."""

    code = "forbidden"
    status = 403


class Invalid(ServiceError):
    """The request's content is wrong (missing or mistyped fields)."""

    code = "validation_error"
    status = 422
