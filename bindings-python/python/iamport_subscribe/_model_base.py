"""What the generated result classes (``models.py``) add to their fields: ``to_dict()`` and the few
computed properties. A mixin named ``_<Class>Methods`` is picked up by ``codegen.py`` for ``<Class>``."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Dict, Tuple

if TYPE_CHECKING:
    from .models import Amount, Payment


class _Model:
    __slots__ = ()

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a plain dict (nested models as dicts)."""
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]


class _PaymentMethods:
    __slots__ = ()

    if TYPE_CHECKING:
        amount: Amount
        cancel_amount: Amount

    @property
    def cancellable_amount(self) -> Amount:
        """What can still be refunded."""
        return self.amount - self.cancel_amount


class _VerifiedWebhookMethods:
    __slots__ = ()

    if TYPE_CHECKING:
        payment: Payment
        reported_status: str

    @property
    def dedupe_key(self) -> Tuple[str, str]:
        """Deliveries can repeat: deduplicate on ``(payment.imp_uid, reported_status)``."""
        return (self.payment.imp_uid, self.reported_status)
