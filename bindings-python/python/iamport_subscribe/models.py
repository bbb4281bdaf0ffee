"""Result models: typed, immutable, with ``to_dict()``.

They mirror the core crate's models field for field (the vendor spec's ``PaymentAnnotation`` and
``CustomerAnnotation``). Times are timezone-aware ``datetime`` in UTC or ``None``; amounts are
``int`` for KRW and ``decimal.Decimal`` for currencies with minor units. Card numbers in results
come masked from the API.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict, Generic, List, Optional, Type, TypeVar, Union

__all__ = [
    "Amount",
    "Payment",
    "PaymentCancel",
    "VbankDeposit",
    "Promotion",
    "BillingKey",
    "Schedule",
    "VerifiedWebhook",
    "Found",
]

Amount = Union[int, Decimal]

_T = TypeVar("_T")


_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


def _time(value: Any) -> Optional[datetime]:
    """Unix seconds as a UTC datetime. The API can hold times a datetime cannot (a schedule another
    client made in milliseconds is in the year 57,000): those become datetime.max (or .min)."""
    if value is None:
        return None
    seconds = int(value)
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return _LATEST if seconds > 0 else _EARLIEST


def _amount(value: Any, minor_units: bool) -> Optional[Amount]:
    if value is None:
        return None
    if minor_units or isinstance(value, Decimal):
        return value if isinstance(value, Decimal) else Decimal(value)
    return int(value)


# How `_build` converts a field (dataclass metadata).
_TIME = {"kind": "time"}
_AMOUNT = {"kind": "amount"}


def _build(cls: Type[_T], data: Dict[str, Any], minor_units: bool) -> _T:
    values: Dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        raw = data.get(f.name)
        kind = f.metadata.get("kind")
        if kind == "time":
            values[f.name] = _time(raw)
        elif kind == "amount":
            values[f.name] = _amount(raw, minor_units)
        elif kind == "list":
            item = _NESTED[f.metadata["item"]]
            values[f.name] = [_build(item, x, minor_units) for x in (raw or [])]
        elif kind == "object":
            item = _NESTED[f.metadata["item"]]
            values[f.name] = None if raw is None else _build(item, raw, minor_units)
        else:
            values[f.name] = raw
    return cls(**values)


class _Model:
    def to_dict(self) -> Dict[str, Any]:
        """The fields as a plain dict (nested models as dicts)."""
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True)
class PaymentCancel(_Model):
    """One refund of a payment."""

    pg_tid: Optional[str]
    amount: Amount = dataclasses.field(metadata=_AMOUNT)
    cancelled_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    reason: Optional[str]
    cancellation_id: Optional[str]
    receipt_url: Optional[str]


@dataclass(frozen=True)
class VbankDeposit(_Model):
    """A deposit into a fixed virtual account."""

    pg_tid: Optional[str]
    amount: Amount = dataclasses.field(metadata=_AMOUNT)
    depositor_name: Optional[str]
    deposited_at: Optional[datetime] = dataclasses.field(metadata=_TIME)


@dataclass(frozen=True)
class Promotion(_Model):
    """A promotion applied to a payment."""

    id: Optional[str]
    discount: Optional[Amount] = dataclasses.field(metadata=_AMOUNT)


@dataclass(frozen=True)
class Payment(_Model):
    """A payment record (paid, failed, cancelled or ready)."""

    imp_uid: str
    merchant_uid: str
    pay_method: Optional[str]
    channel: Optional[str]
    pg_provider: Optional[str]
    emb_pg_provider: Optional[str]
    pg_tid: Optional[str]
    pg_id: Optional[str]
    sandbox: bool
    escrow: bool
    apply_num: Optional[str]
    bank_code: Optional[str]
    bank_name: Optional[str]
    card_code: Optional[str]
    card_name: Optional[str]
    card_issuer_code: Optional[str]
    card_issuer_name: Optional[str]
    card_publisher_code: Optional[str]
    card_publisher_name: Optional[str]
    card_quota: Optional[int]
    card_number: Optional[str]
    card_type: Optional[int]
    vbank_code: Optional[str]
    vbank_name: Optional[str]
    vbank_num: Optional[str]
    vbank_holder: Optional[str]
    vbank_date: Optional[datetime] = dataclasses.field(metadata=_TIME)
    vbank_issued_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    name: Optional[str]
    amount: Amount = dataclasses.field(metadata=_AMOUNT)
    cancel_amount: Amount = dataclasses.field(metadata=_AMOUNT)
    currency: str
    buyer_name: Optional[str]
    buyer_email: Optional[str]
    buyer_tel: Optional[str]
    buyer_addr: Optional[str]
    buyer_postcode: Optional[str]
    custom_data: Optional[str]
    user_agent: Optional[str]
    status: str
    started_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    paid_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    failed_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    cancelled_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    fail_reason: Optional[str]
    cancel_reason: Optional[str]
    receipt_url: Optional[str]
    cancel_history: List[PaymentCancel] = dataclasses.field(metadata={"kind": "list", "item": "PaymentCancel"})
    deposit_history: List[VbankDeposit] = dataclasses.field(metadata={"kind": "list", "item": "VbankDeposit"})
    cancel_receipt_urls: List[str]
    cash_receipt_issued: bool
    customer_uid: Optional[str]
    customer_uid_usage: Optional[str]
    promotion: Optional[Promotion] = dataclasses.field(metadata={"kind": "object", "item": "Promotion"})

    @classmethod
    def _from_wire(cls, data: Dict[str, Any]) -> "Payment":
        # Currencies other than KRW have minor units: their amounts are always Decimal.
        return _build(cls, data, minor_units=str(data.get("currency") or "KRW").upper() != "KRW")

    @property
    def cancellable_amount(self) -> Amount:
        """What can still be refunded."""
        return self.amount - self.cancel_amount


@dataclass(frozen=True)
class BillingKey(_Model):
    """A stored billing key: the card behind a ``customer_uid``."""

    customer_uid: str
    pg_provider: Optional[str]
    pg_id: Optional[str]
    sandbox: bool
    customer_id: Optional[str]
    card_name: Optional[str]
    card_code: Optional[str]
    card_issuer_code: Optional[str]
    card_issuer_name: Optional[str]
    card_publisher_code: Optional[str]
    card_publisher_name: Optional[str]
    card_number: Optional[str]
    card_type: Optional[int]
    customer_name: Optional[str]
    customer_tel: Optional[str]
    customer_email: Optional[str]
    customer_addr: Optional[str]
    customer_postcode: Optional[str]
    inserted: Optional[datetime] = dataclasses.field(metadata=_TIME)
    updated: Optional[datetime] = dataclasses.field(metadata=_TIME)

    @classmethod
    def _from_wire(cls, data: Dict[str, Any]) -> "BillingKey":
        return _build(cls, data, minor_units=False)


@dataclass(frozen=True)
class Schedule(_Model):
    """A scheduled charge: ``scheduled``, then ``executed`` (see ``payment_status``) or ``revoked``."""

    customer_uid: str
    merchant_uid: str
    imp_uid: Optional[str]
    pg_provider: Optional[str]
    pg_id: Optional[str]
    customer_id: Optional[str]
    schedule_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    executed_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    revoked_at: Optional[datetime] = dataclasses.field(metadata=_TIME)
    amount: Amount = dataclasses.field(metadata=_AMOUNT)
    currency: Optional[str]
    name: Optional[str]
    buyer_name: Optional[str]
    buyer_email: Optional[str]
    buyer_tel: Optional[str]
    buyer_addr: Optional[str]
    buyer_postcode: Optional[str]
    custom_data: Optional[str]
    schedule_status: str
    payment_status: Optional[str]
    fail_reason: Optional[str]
    promotion_id: Optional[str]

    @classmethod
    def _from_wire(cls, data: Dict[str, Any]) -> "Schedule":
        return _build(cls, data, minor_units=str(data.get("currency") or "KRW").upper() != "KRW")


@dataclass(frozen=True)
class VerifiedWebhook(_Model):
    """A webhook confirmed against the API: act on ``payment`` (the API's current record).

    Deliveries can repeat: deduplicate on ``(payment.imp_uid, reported_status)``.
    """

    payment: Payment
    reported_status: str

    @classmethod
    def _from_wire(cls, data: Dict[str, Any]) -> "VerifiedWebhook":
        return cls(Payment._from_wire(data["payment"]), str(data["reported_status"]))

    @property
    def dedupe_key(self) -> "tuple[str, str]":
        return (self.payment.imp_uid, self.reported_status)


_M = TypeVar("_M")


@dataclass(frozen=True)
class Found(Generic[_M]):
    """A lookup by several ids: what was found, and the ids that were not."""

    found: List[_M]
    missing: List[str]


_NESTED: Dict[str, type] = {"PaymentCancel": PaymentCancel, "VbankDeposit": VbankDeposit, "Promotion": Promotion}
