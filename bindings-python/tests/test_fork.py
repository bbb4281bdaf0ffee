"""A client used after os.fork() fails with a clear message instead of hanging; a new one works."""

from __future__ import annotations

import os
import signal
import sys

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_child_gets_a_clear_error_and_a_new_client_works() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        client.check_credentials()  # the parent's runtime and pool are in use
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            code = 1
            try:
                signal.alarm(60)  # a hang would otherwise block the parent's waitpid forever
                os.close(read_end)
                try:
                    client.get_billing_key("c1")
                    report = "old client worked"
                except RuntimeError as e:
                    report = "clear error" if "another process" in str(e) else f"other error: {e}"
                fresh = iam.Client(sandbox.imp_key, sandbox.imp_secret, base_url=sandbox.url)
                try:
                    fresh.get_billing_key("c1")
                except iam.NotFoundError:
                    report += "; new client works"
                os.write(write_end, report.encode())
                code = 0
            finally:
                sys.stdout.flush()
                os._exit(code)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            report = pipe.read()
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, report
        assert report == "clear error; new client works"
