"""Exceptions, one class per error case of the core client (the native module raises them).

Every class keeps its fields through ``pickle`` (for Celery and multiprocessing) together with
``__cause__``. None of them carries card data or secrets.
"""

from __future__ import annotations

import builtins

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Type

    from .models import Payment

__all__ = [
    "IamportError",
    "InvalidRequestError",
    "AuthenticationError",
    "NotFoundError",
    "CardDeclinedError",
    "DuplicateOrderError",
    "ApiError",
    "AlreadyCancelledError",
    "RateLimitedError",
    "NetworkError",
    "TimeoutError",
    "OutcomeUnknownError",
]


def _rebuild(cls: "Type[IamportError]", fields: Dict[str, Any], cause: Optional[BaseException]) -> "IamportError":
    err: IamportError = cls.__new__(cls)
    IamportError.__init__(err, fields.get("message", ""))
    err.__dict__.update(fields)
    err.__cause__ = cause
    return err


class IamportError(Exception):
    """Base class of every error raised by this package."""

    kind = "IamportError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), dict(self.__dict__), self.__cause__))


class InvalidRequestError(IamportError, ValueError):
    """The request failed validation; nothing was sent. ``field`` names the bad field."""

    kind = "InvalidRequest"

    def __init__(self, field: str, reason: str, message: Optional[str] = None) -> None:
        super().__init__(message or f"invalid request: {field} {reason}")
        self.field = field
        self.reason = reason


class AuthenticationError(IamportError):
    """The credentials or the access token were refused."""

    kind = "Authentication"


class NotFoundError(IamportError):
    """The billing key, customer or payment does not exist."""

    kind = "NotFound"


class CardDeclinedError(IamportError):
    """The card company declined the charge; ``payment`` is the failed payment record."""

    kind = "CardDeclined"

    def __init__(self, payment: Payment, fail_reason: Optional[str], message: Optional[str] = None) -> None:
        super().__init__(message or f"card declined: {fail_reason or 'no reason given'}")
        self.payment = payment
        self.fail_reason = fail_reason


class DuplicateOrderError(IamportError):
    """``merchant_uid`` already has a paid or cancelled payment; nothing was charged."""

    kind = "DuplicateOrder"

    def __init__(self, message: str, *, merchant_uid: str, display: Optional[str] = None) -> None:
        super().__init__(message)
        self.merchant_uid = merchant_uid
        self.display = display or f"duplicate order (merchant_uid {merchant_uid}): {message}"

    def __str__(self) -> str:
        return str(self.display)


class ApiError(IamportError):
    """Any other failure reported by the API; ``code`` is None when the answer was not JSON."""

    kind = "Api"

    def __init__(self, code: Optional[int], message: str, http_status: int, display: Optional[str] = None) -> None:
        super().__init__(display or message)
        self.code = code
        self.message = message
        self.http_status = http_status

    def __str__(self) -> str:
        return f"API error (HTTP {self.http_status}, code {self.code}): {self.message}"


class AlreadyCancelledError(ApiError):
    """The payment was already fully refunded; nothing was refunded now. An ``ApiError``."""

    kind = "AlreadyCancelled"

    def __init__(self, code: Optional[int], message: str, http_status: int, display: Optional[str] = None) -> None:
        super().__init__(code, message, http_status, display)
        self.display = display or f"already cancelled: {message}"

    def __str__(self) -> str:
        return str(self.display)


class RateLimitedError(ApiError):
    """HTTP 429, also after the retries; nothing was processed. ``retry_after`` is the server's
    ``Retry-After`` in seconds, or None. An ``ApiError``."""

    kind = "RateLimited"

    def __init__(
        self,
        code: Optional[int],
        message: str,
        http_status: int,
        retry_after: Optional[float] = None,
        display: Optional[str] = None,
    ) -> None:
        super().__init__(code, message, http_status, display)
        self.retry_after = retry_after
        self.display = display or f"rate limited (HTTP {http_status}): {message}"

    def __str__(self) -> str:
        return str(self.display)


class NetworkError(IamportError):
    """The request could not be completed on the network."""

    kind = "Network"

    def __init__(self, message: str, may_have_reached_server: bool) -> None:
        super().__init__(message)
        self.may_have_reached_server = may_have_reached_server


class TimeoutError(IamportError, builtins.TimeoutError):  # noqa: A001 - the package's own TimeoutError
    """No answer in time. Also a builtin ``TimeoutError``."""

    kind = "Timeout"

    def __init__(self, may_have_reached_server: bool, message: Optional[str] = None) -> None:
        IamportError.__init__(self, message or "request timed out")
        self.may_have_reached_server = may_have_reached_server


class OutcomeUnknownError(IamportError):
    """The outcome of a charge could not be established: look ``merchant_uid`` up before retrying."""

    kind = "OutcomeUnknown"

    def __init__(self, merchant_uid: str, message: Optional[str] = None) -> None:
        super().__init__(message or f"outcome of the charge for merchant_uid {merchant_uid} is unknown")
        self.merchant_uid = merchant_uid
