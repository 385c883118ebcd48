"""A public server: only the configured host name gets the websocket; `local` refuses a public address."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ROOT, _free_port
from tests.e2e.test_sign_in import serve, stop

pytestmark = pytest.mark.e2e

PUBLIC_HOST = "review.example.org"


@pytest.fixture(scope="module")
def public_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in password mode, accepting only ``PUBLIC_HOST`` (as README's public deployment says)."""
    folder = tmp_path_factory.mktemp("public")
    process, url = serve(folder, f"sqlite:///{folder / 'public.db'}", "--server.allowedHosts", PUBLIC_HOST)
    try:
        yield url
    finally:
        stop(process)


def websocket_status(url: str, host: str, origin: str) -> str:
    """The status line the server answers a websocket upgrade to /_stcore/stream with."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as conn:
        conn.sendall(request.encode())
        return conn.recv(4096).decode("latin-1").split("\r\n")[0]


def test_a_rebound_host_name_gets_no_websocket(public_app: str) -> None:
    # DNS rebinding: evil.example resolves to this server; the browser sends Host and Origin evil.example
    assert " 403 " in websocket_status(public_app, "evil.example", "http://evil.example")


def test_the_configured_host_name_gets_the_websocket(public_app: str) -> None:
    assert " 101 " in websocket_status(public_app, PUBLIC_HOST, f"https://{PUBLIC_HOST}")


def test_another_site_cannot_open_the_websocket_of_the_configured_host(public_app: str) -> None:
    assert " 403 " in websocket_status(public_app, PUBLIC_HOST, "https://evil.example")


def test_local_mode_refuses_to_start_on_every_interface_and_names_the_modes_to_use() -> None:
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_AUTH"}
    port = str(_free_port())
    result = subprocess.run(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0",
         "--server.port", port, "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "refusing to start" in result.stderr
    assert "WORKBENCH_AUTH=password" in result.stderr and "WORKBENCH_AUTH=oidc" in result.stderr
