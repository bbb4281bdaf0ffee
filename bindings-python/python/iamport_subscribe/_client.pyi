# Precise signatures of Client and AsyncClient (the implementation is shared in _client.py).
from datetime import datetime
from typing import Any, AsyncIterator, Dict, Iterator, List, Mapping, Optional, Sequence, TypeVar, Union

from .models import Amount, BillingKey, Found, Payment, Schedule, VerifiedWebhook

__all__ = ["Client", "AsyncClient"]

_C = TypeVar("_C", bound="_Operations")

class _Operations:
    def __init__(
        self,
        imp_key: Optional[str] = ...,
        imp_secret: Optional[str] = ...,
        *,
        base_url: Optional[str] = ...,
        tier: Optional[str] = ...,
        timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        user_agent: Optional[str] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
        _from_env: bool = ...,
    ) -> None: ...
    def with_options(
        self: _C,
        *,
        timeout: Optional[float] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
    ) -> _C: ...
    @classmethod
    def from_env(
        cls: type[_C],
        *,
        base_url: Optional[str] = ...,
        tier: Optional[str] = ...,
        timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        user_agent: Optional[str] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
    ) -> _C: ...
    @property
    def base_url(self) -> str: ...

class Client(_Operations):
    def pay_onetime(
        self,
        *,
        merchant_uid: str,
        amount: Amount,
        card_number: str,
        expiry: str,
        birth: Optional[str] = ...,
        pwd_2digit: Optional[str] = ...,
        cvc: Optional[str] = ...,
        customer_uid: Optional[str] = ...,
        pg: Optional[str] = ...,
        channel_group_id: Optional[str] = ...,
        currency: Optional[str] = ...,
        tax_free: Optional[Amount] = ...,
        vat_amount: Optional[Amount] = ...,
        vat: Optional[Amount] = ...,
        name: Optional[str] = ...,
        buyer_name: Optional[str] = ...,
        buyer_email: Optional[str] = ...,
        buyer_tel: Optional[str] = ...,
        buyer_addr: Optional[str] = ...,
        buyer_postcode: Optional[str] = ...,
        card_quota: Optional[int] = ...,
        interest_free_by_merchant: Optional[bool] = ...,
        use_card_point: Optional[bool] = ...,
        custom_data: Optional[str] = ...,
        notice_url: Optional[str] = ...,
        browser_ip: Optional[str] = ...,
        secure_3d_charge_id: Optional[str] = ...,
        secure_3d_token: Optional[str] = ...,
        product_type: Optional[str] = ...,
        promotion_id: Optional[str] = ...,
        bypass: Optional[str] = ...,
    ) -> Payment: ...

    def issue_billing_key(
        self,
        *,
        customer_uid: str,
        card_number: str,
        expiry: str,
        birth: Optional[str] = ...,
        pwd_2digit: Optional[str] = ...,
        cvc: Optional[str] = ...,
        pg: Optional[str] = ...,
        channel_key: Optional[str] = ...,
        channel_group_id: Optional[str] = ...,
        customer_id: Optional[str] = ...,
        customer_name: Optional[str] = ...,
        customer_tel: Optional[str] = ...,
        customer_email: Optional[str] = ...,
        customer_addr: Optional[str] = ...,
        customer_postcode: Optional[str] = ...,
    ) -> BillingKey: ...

    def get_billing_key(self, customer_uid: str) -> BillingKey: ...
    def delete_billing_key(self, customer_uid: str, *, reason: Optional[str] = ...) -> BillingKey: ...
    def pay_again(
        self,
        *,
        customer_uid: str,
        merchant_uid: str,
        amount: Amount,
        name: Optional[str] = ...,
        currency: Optional[str] = ...,
        tax_free: Optional[Amount] = ...,
        vat_amount: Optional[Amount] = ...,
        vat: Optional[Amount] = ...,
        buyer_name: Optional[str] = ...,
        buyer_email: Optional[str] = ...,
        buyer_tel: Optional[str] = ...,
        buyer_addr: Optional[str] = ...,
        buyer_postcode: Optional[str] = ...,
        card_quota: Optional[int] = ...,
        interest_free_by_merchant: Optional[bool] = ...,
        use_card_point: Optional[bool] = ...,
        custom_data: Optional[str] = ...,
        notice_url: Optional[str] = ...,
        browser_ip: Optional[str] = ...,
        product_type: Optional[str] = ...,
        product_count: Optional[int] = ...,
        cash_receipt_type: Optional[str] = ...,
        bypass: Optional[str] = ...,
        extra: Optional[Dict[str, str]] = ...,
        promotion_id: Optional[str] = ...,
        channel_key: Optional[str] = ...,
    ) -> Payment: ...

    def get_payment(self, imp_uid: str) -> Payment: ...
    def find_payment(self, merchant_uid: str, *, status: Optional[str] = ...) -> Payment: ...
    def find_all_payments(self, merchant_uid: str, *, status: Optional[str] = ...) -> List[Payment]: ...
    def cancel_payment(
        self,
        *,
        imp_uid: Optional[str] = ...,
        merchant_uid: Optional[str] = ...,
        amount: Optional[Amount] = ...,
        tax_free: Optional[Amount] = ...,
        vat_amount: Optional[Amount] = ...,
        checksum: Optional[Amount] = ...,
        reason: Optional[str] = ...,
        refund_holder: Optional[str] = ...,
        refund_bank: Optional[str] = ...,
        refund_account: Optional[str] = ...,
        refund_tel: Optional[str] = ...,
        retain_promotion: Optional[bool] = ...,
        enable_webhook: Optional[bool] = ...,
        extra: Optional[Dict[str, str]] = ...,
    ) -> Payment: ...

    def schedule(
        self,
        *,
        customer_uid: str,
        schedules: Sequence[Mapping[str, Any]],
        card_number: Optional[str] = ...,
        expiry: Optional[str] = ...,
        birth: Optional[str] = ...,
        pwd_2digit: Optional[str] = ...,
        cvc: Optional[str] = ...,
        checking_amount: Optional[Amount] = ...,
        pg: Optional[str] = ...,
        channel_key: Optional[str] = ...,
        customer_id: Optional[str] = ...,
    ) -> List[Schedule]: ...
    def unschedule(self, merchant_uids: Sequence[str], *, customer_uid: Optional[str] = ...) -> List[Schedule]: ...
    def unschedule_all(self, customer_uid: str) -> List[Schedule]: ...
    def get_schedule(self, merchant_uid: str) -> Schedule: ...
    def update_schedule(self, merchant_uid: str, *, schedule_at: Union[int, datetime]) -> Schedule: ...
    def reschedule(self, merchant_uid: str, *, schedule_at: Union[int, datetime]) -> Schedule: ...
    def retry_schedule(self, merchant_uid: str) -> Payment: ...
    def get_billing_keys(self, customer_uids: Sequence[str]) -> Found[BillingKey]: ...
    def get_payments(self, imp_uids: Sequence[str]) -> Found[Payment]: ...
    def verify_webhook(self, body: Union[bytes, str], content_type: str) -> VerifiedWebhook: ...
    def list_schedules(
        self, *, from_: Union[int, datetime], to: Union[int, datetime], status: Optional[str] = ...
    ) -> Iterator[Schedule]: ...
    def list_schedules_by_customer(
        self,
        customer_uid: str,
        *,
        from_: Union[int, datetime],
        to: Union[int, datetime],
        status: Optional[str] = ...,
    ) -> Iterator[Schedule]: ...
    def list_customer_payments(self, customer_uid: str) -> Iterator[Payment]: ...
    def check_credentials(self) -> None: ...

class AsyncClient(_Operations):
    async def pay_onetime(
        self,
        *,
        merchant_uid: str,
        amount: Amount,
        card_number: str,
        expiry: str,
        birth: Optional[str] = ...,
        pwd_2digit: Optional[str] = ...,
        cvc: Optional[str] = ...,
        customer_uid: Optional[str] = ...,
        pg: Optional[str] = ...,
        channel_group_id: Optional[str] = ...,
        currency: Optional[str] = ...,
        tax_free: Optional[Amount] = ...,
        vat_amount: Optional[Amount] = ...,
        vat: Optional[Amount] = ...,
        name: Optional[str] = ...,
        buyer_name: Optional[str] = ...,
        buyer_email: Optional[str] = ...,
        buyer_tel: Optional[str] = ...,
        buyer_addr: Optional[str] = ...,
        buyer_postcode: Optional[str] = ...,
        card_quota: Optional[int] = ...,
        interest_free_by_merchant: Optional[bool] = ...,
        use_card_point: Optional[bool] = ...,
        custom_data: Optional[str] = ...,
        notice_url: Optional[str] = ...,
        browser_ip: Optional[str] = ...,
        secure_3d_charge_id: Optional[str] = ...,
        secure_3d_token: Optional[str] = ...,
        product_type: Optional[str] = ...,
        promotion_id: Optional[str] = ...,
        bypass: Optional[str] = ...,
    ) -> Payment: ...

    async def issue_billing_key(
        self,
        *,
        customer_uid: str,
        card_number: str,
        expiry: str,
        birth: Optional[str] = ...,
        pwd_2digit: Optional[str] = ...,
        cvc: Optional[str] = ...,
        pg: Optional[str] = ...,
        channel_key: Optional[str] = ...,
        channel_group_id: Optional[str] = ...,
        customer_id: Optional[str] = ...,
        customer_name: Optional[str] = ...,
        customer_tel: Optional[str] = ...,
        customer_email: Optional[str] = ...,
        customer_addr: Optional[str] = ...,
        customer_postcode: Optional[str] = ...,
    ) -> BillingKey: ...

    async def get_billing_key(self, customer_uid: str) -> BillingKey: ...
    async def delete_billing_key(self, customer_uid: str, *, reason: Optional[str] = ...) -> BillingKey: ...
    async def pay_again(
        self,
        *,
        customer_uid: str,
        merchant_uid: str,
        amount: Amount,
        name: Optional[str] = ...,
        currency: Optional[str] = ...,
        tax_free: Optional[Amount] = ...,
        vat_amount: Optional[Amount] = ...,
        vat: Optional[Amount] = ...,
        buyer_name: Optional[str] = ...,
        buyer_email: Optional[str] = ...,
        buyer_tel: Optional[str] = ...,
        buyer_addr: Optional[str] = ...,
        buyer_postcode: Optional[str] = ...,
        card_quota: Optional[int] = ...,
        interest_free_by_merchant: Optional[bool] = ...,
        use_card_point: Optional[bool] = ...,
        custom_data: Optional[str] = ...,
        notice_url: Optional[str] = ...,
        browser_ip: Optional[str] = ...,
        product_type: Optional[str] = ...,
        product_count: Optional[int] = ...,
        cash_receipt_type: Optional[str] = ...,
        bypass: Optional[str] = ...,
        extra: Optional[Dict[str, str]] = ...,
        promotion_id: Optional[str] = ...,
        channel_key: Optional[str] = ...,
    ) -> Payment: ...

    async def get_payment(self, imp_uid: str) -> Payment: ...
    async def find_payment(self, merchant_uid: str, *, status: Optional[str] = ...) -> Payment: ...
    async def find_all_payments(self, merchant_uid: str, *, status: Optional[str] = ...) -> List[Payment]: ...
    async def cancel_payment(
        self,
        *,
        imp_uid: Optional[str] = ...,
        merchant_uid: Optional[str] = ...,
        amount: Optional[Amount] = ...,
        tax_free: Optional[Amount] = ...,
        vat_amount: Optional[Amount] = ...,
        checksum: Optional[Amount] = ...,
        reason: Optional[str] = ...,
        refund_holder: Optional[str] = ...,
        refund_bank: Optional[str] = ...,
        refund_account: Optional[str] = ...,
        refund_tel: Optional[str] = ...,
        retain_promotion: Optional[bool] = ...,
        enable_webhook: Optional[bool] = ...,
        extra: Optional[Dict[str, str]] = ...,
    ) -> Payment: ...

    async def schedule(
        self,
        *,
        customer_uid: str,
        schedules: Sequence[Mapping[str, Any]],
        card_number: Optional[str] = ...,
        expiry: Optional[str] = ...,
        birth: Optional[str] = ...,
        pwd_2digit: Optional[str] = ...,
        cvc: Optional[str] = ...,
        checking_amount: Optional[Amount] = ...,
        pg: Optional[str] = ...,
        channel_key: Optional[str] = ...,
        customer_id: Optional[str] = ...,
    ) -> List[Schedule]: ...
    async def unschedule(self, merchant_uids: Sequence[str], *, customer_uid: Optional[str] = ...) -> List[Schedule]: ...
    async def unschedule_all(self, customer_uid: str) -> List[Schedule]: ...
    async def get_schedule(self, merchant_uid: str) -> Schedule: ...
    async def update_schedule(self, merchant_uid: str, *, schedule_at: Union[int, datetime]) -> Schedule: ...
    async def reschedule(self, merchant_uid: str, *, schedule_at: Union[int, datetime]) -> Schedule: ...
    async def retry_schedule(self, merchant_uid: str) -> Payment: ...
    async def get_billing_keys(self, customer_uids: Sequence[str]) -> Found[BillingKey]: ...
    async def get_payments(self, imp_uids: Sequence[str]) -> Found[Payment]: ...
    async def verify_webhook(self, body: Union[bytes, str], content_type: str) -> VerifiedWebhook: ...
    def list_schedules(
        self, *, from_: Union[int, datetime], to: Union[int, datetime], status: Optional[str] = ...
    ) -> AsyncIterator[Schedule]: ...
    def list_schedules_by_customer(
        self,
        customer_uid: str,
        *,
        from_: Union[int, datetime],
        to: Union[int, datetime],
        status: Optional[str] = ...,
    ) -> AsyncIterator[Schedule]: ...
    def list_customer_payments(self, customer_uid: str) -> AsyncIterator[Payment]: ...
    async def check_credentials(self) -> None: ...
