"""Many threads and tasks on one client: all succeed with one getToken; the GIL is released."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import List

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

GET_TOKEN = "POST /users/getToken"


def test_fifty_threads_share_one_client() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        client.issue_billing_key(customer_uid="c1", card_number="4111111111111111", expiry="2030-12")
        with ThreadPoolExecutor(max_workers=50) as pool:
            payments = list(
                pool.map(lambda i: client.pay_again(customer_uid="c1", merchant_uid=f"o{i}", amount=1000), range(50))
            )
        assert [p.status for p in payments] == ["paid"] * 50
        assert len({p.imp_uid for p in payments}) == 50
        assert sandbox.request_counts()[GET_TOKEN] == 1


def test_five_hundred_tasks_share_one_async_client() -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client()

        async def main() -> List[iam.Payment]:
            await client.issue_billing_key(customer_uid="c1", card_number="4111111111111111", expiry="2030-12")
            return await asyncio.gather(
                *(client.pay_again(customer_uid="c1", merchant_uid=f"o{i}", amount=1000) for i in range(500))
            )

        payments = asyncio.run(main())
        assert [p.status for p in payments] == ["paid"] * 500
        assert sandbox.request_counts()[GET_TOKEN] == 1
        assert sandbox.request_counts()["POST /subscribe/payments/again"] == 500


def test_a_slow_answer_does_not_hold_the_gil() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        client.check_credentials()
        sandbox.set_response_delay(1.0)
        started = threading.Event()
        done = threading.Event()

        def slow_call() -> None:
            started.set()
            try:
                client.get_billing_key("c1")
            except iam.NotFoundError:
                pass
            done.set()

        worker = threading.Thread(target=slow_call)
        worker.start()
        started.wait()
        # Pure-Python work on this thread while the other waits for the network: with the GIL held
        # for the call it could not run at all until the answer came.
        spins = 0
        while not done.is_set():
            spins += 1
        worker.join()
        assert spins > 10_000
