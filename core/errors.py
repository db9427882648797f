"""The one hierarchy of domain errors raised by services.

Views turn them into messages (or HTTP errors), the API into error payloads. A service never
returns an error code: it raises one of these with a sentence a person can read (a lazy
translation is fine: it is rendered in the language active when the error is raised).
"""

from django.utils.functional import Promise


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: "str | Promise" = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (views answer 403, or 404 when the object is confidential)."""


class NotFound(DomainError):
    """The object does not exist or must not be revealed."""


class InvalidInput(DomainError):
    """Input that breaks a rule; ``field`` names the form field when there is one."""


class InvalidState(DomainError):
    """The object is not in a state that allows this transition."""


class StaleVersion(DomainError):
    """Someone else saved the object since it was read: the change would overwrite theirs."""
