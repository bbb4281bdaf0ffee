"""iamport-subscribe: Iamport (PortOne V1) recurring billing for Python.

``Client`` (blocking, releases the GIL) and ``AsyncClient`` (asyncio) over one Rust core that caches
the access token, validates every request before sending it, never reports a declined card as a
success and never prints card data or secrets. ``iamport_subscribe.testing.Sandbox`` runs a local
emulator of the API for tests.

The result classes (``Payment``, ...) load on first use: importing them costs more than the rest
of the package.
"""

import atexit as _atexit

from . import _native
from ._client import AsyncClient, Client
from ._native import __version__
from .errors import (
    AlreadyCancelledError,
    ApiError,
    AuthenticationError,
    CardDeclinedError,
    DuplicateOrderError,
    IamportError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    TimeoutError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .models import (
        Amount,
        BillingKey,
        Found,
        Payment,
        PaymentCancel,
        Promotion,
        Schedule,
        ScheduleEntry,
        VbankDeposit,
        VerifiedWebhook,
    )

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "Amount",
    "Payment",
    "PaymentCancel",
    "VbankDeposit",
    "Promotion",
    "BillingKey",
    "Schedule",
    "ScheduleEntry",
    "VerifiedWebhook",
    "Found",
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

_MODELS = frozenset(
    ["Amount", "Payment", "PaymentCancel", "VbankDeposit", "Promotion", "BillingKey", "Schedule", "ScheduleEntry"]
    + ["VerifiedWebhook", "Found"]
)


def __getattr__(name: str) -> object:
    if name in _MODELS:
        from . import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Before the interpreter finalizes: no more log records to Python, and the tokio runtime's threads
# stopped (a runtime thread that takes the GIL during finalization aborts the process).
_atexit.register(_native.at_exit)
