"""The sandbox prints the secret it made and the commands that sign a delivery with it."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

AUTOPILOT = Path(sys.executable).parent / "autopilot"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_a_delivery_signed_as_printed_is_accepted(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOPILOT_WEBHOOK")}
    env.update(AUTOPILOT_STORE=f"sqlite:///{tmp_path / 'sandbox.db'}", PYTHONUNBUFFERED="1")
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        server = subprocess.Popen(
            [str(AUTOPILOT), "serve", "--sandbox", "--port", str(_free_port())],
            stdout=sink, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while "serving the sandbox" not in out.read_text():
                assert server.poll() is None and time.monotonic() < deadline, out.read_text()
                time.sleep(0.2)
            text = out.read_text()
            secret = re.search(r"webhook secret \(made for this sandbox only\): (\S+)", text)
            assert secret is not None
            head = re.search(r"head ([0-9a-f]+)\)", text)
            assert head is not None and len(head.group(1)) == 40  # the full SHA
            commands = text.split("sign and send a test delivery", 1)[1].splitlines()[1:4]
            script = "\n".join(line.strip() for line in commands)
            sent = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                                  timeout=60, check=False)  # fmt: skip
            assert '"status": "queued"' in sent.stdout, sent.stdout + sent.stderr
            forged = script.replace(secret.group(1), "not-the-secret")
            refused = subprocess.run(["bash", "-c", forged], capture_output=True, text=True,
                                     timeout=60, check=False)  # fmt: skip
            assert "bad_signature" in refused.stdout
        finally:
            server.terminate()
            server.wait(timeout=30)
