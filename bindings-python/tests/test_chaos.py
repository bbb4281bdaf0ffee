"""Chaos through the installed package: 1,000 charges on the AsyncClient while about a fifth of all
requests are faulted. Afterwards the sandbox's ledger and the results agree exactly: no double
charge, no charge reported failed that was paid, every OutcomeUnknownError settled by a lookup."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from typing import Any, Dict, List, Tuple, Union

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

CHARGES = 1000
IN_FLIGHT = 32
FAULTS = [
    {"type": "drop_after_commit"},
    {"type": "drop_before_commit"},
    {"type": "server_error", "status": 502},
    {"type": "too_many_requests", "retry_after_secs": 0},
    {"type": "malformed_body"},
    {"type": "truncated_body"},
    {"type": "token_expired"},
    {"type": "latency", "ms": 400},  # past the client's timeout: the server commits after it gave up
]

Outcome = Union[iam.Payment, iam.IamportError]


def test_ledger_and_results_agree_under_faults() -> None:
    with Sandbox() as sandbox:
        setup = sandbox.client()
        setup.issue_billing_key(customer_uid="ok", card_number="4111-1111-1111-1111", expiry="2030-12")
        setup.issue_billing_key(customer_uid="decline", card_number="4000-0000-0000-0002", expiry="2030-12")
        client = sandbox.async_client(timeout=0.25, max_retries=3, initial_backoff=0.001, max_backoff=0.02)
        seed = int(os.environ.get("CHAOS_SEED", "7"))
        sandbox.set_faults([{"route": "*", "probability": 0.025, "fault": f} for f in FAULTS], seed=seed)

        async def run() -> List[Tuple[str, bool, Outcome]]:
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one(i: int) -> Tuple[str, bool, Outcome]:
                declining = i % 10 == 0
                merchant_uid = f"chaos_{i}"
                async with gate:
                    try:
                        payment = await client.pay_again(
                            customer_uid="decline" if declining else "ok", merchant_uid=merchant_uid, amount=1000
                        )
                        return merchant_uid, declining, payment
                    except iam.IamportError as e:
                        return merchant_uid, declining, e

            return list(await asyncio.gather(*(one(i) for i in range(CHARGES))))

        results = asyncio.run(run())
        faults = sandbox.fault_counts()
        sandbox.clear_faults()
        paid_in_ledger: Dict[str, List[str]] = {}
        for p in sandbox.ledger():
            if p.status == "paid":
                paid_in_ledger.setdefault(p.merchant_uid, []).append(p.imp_uid)

        tally: Counter[str] = Counter()
        lookup = sandbox.client()
        for merchant_uid, declining, outcome in results:
            paid = paid_in_ledger.get(merchant_uid, [])
            assert len(paid) <= 1, f"{merchant_uid} was charged twice"
            if isinstance(outcome, iam.Payment):
                tally["paid"] += 1
                assert not declining, f"{merchant_uid}: the decline card was charged"
                assert paid == [outcome.imp_uid], f"{merchant_uid}: result and ledger differ"
            elif isinstance(outcome, iam.CardDeclinedError):
                tally["declined"] += 1
                assert declining and not paid and outcome.payment.status == "failed"
            elif isinstance(outcome, iam.OutcomeUnknownError):
                tally["unknown"] += 1
                assert outcome.merchant_uid == merchant_uid
                attempts = lookup.find_all_payments(merchant_uid)
                assert len([a for a in attempts if a.status == "paid"]) == len(paid)
            else:
                tally["failed"] += 1
                assert not paid, f"{merchant_uid}: reported {outcome!r} but paid"
        print(f"chaos: {CHARGES} charges, faults {dict(faults)}, {dict(tally)}")
        assert sum(faults.values()) > 100 and faults.get("drop_after_commit", 0) > 0, faults
        assert tally["paid"] + tally["declined"] > CHARGES * 8 // 10, tally
