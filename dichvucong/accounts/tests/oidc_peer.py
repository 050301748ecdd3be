"""A real OpenID Connect provider process on loopback (oidc-provider-mock, PyPI) standing in for VNeID.

``OidcPeer.start()`` runs the package's own command in a child process on a free 127.0.0.1 port and waits for
its discovery document; ``set_user`` stores a person's national claims through the provider's HTTP API; the
fixtures point the portal's settings at it. Nothing of our own code runs in the provider.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

COMMAND = Path(sys.executable).with_name("oidc-provider-mock")
CLIENT_ID = "dvc-test"
CLIENT_SECRET = "bi-mat-thu-nghiem"
# 038 Thanh Hóa, 0 = male born in the 1900s, 90 = 1990.
CITIZEN = {
    "SoDinhDanh": "038090012345",
    "HoVaTen": "Nguyễn Văn An",
    "NgayThangNamSinh": "1990-05-15",
    "GioiTinh": "Nam",
    "SoDienThoai": "0912345678",
    "ThuDienTu": "an.vneid@example.vn",
    "LoaiTaiKhoan": "1",
}
SUBJECT = "vneid-038090012345"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OidcPeer:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    @property
    def discovery_url(self) -> str:
        return self.url + "/.well-known/openid-configuration"

    @classmethod
    def start(cls, *, token_max_age: int = 3600) -> OidcPeer:
        if not COMMAND.exists():
            pytest.skip("oidc-provider-mock is not installed (pip install oidc-provider-mock==0.3.4)")
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [
                str(COMMAND),
                "--host=127.0.0.1",
                f"--port={port}",
                "--require-nonce=true",
                f"--token-max-age={token_max_age}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "NO_COLOR": "1"},
        )
        peer = cls(process, port)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(peer.discovery_url, timeout=1):  # noqa: S310
                return peer
            if process.poll() is not None:
                break
            time.sleep(0.1)
        peer.stop()
        raise RuntimeError("the OIDC provider did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def set_user(self, sub: str, claims: dict) -> None:
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/users/{sub}",
            data=json.dumps(claims, ensure_ascii=False).encode("utf-8"),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310
            pass


@pytest.fixture(scope="module")
def oidc_peer():
    peer = OidcPeer.start()
    yield peer
    peer.stop()


@pytest.fixture
def vneid(oidc_peer, settings):
    """The portal signs in with the peer as VNeID; the peer knows one citizen (CITIZEN, SUBJECT)."""
    settings.DVC_IDENTITY_PROVIDERS = "vneid"
    settings.DVC_VNEID_DISCOVERY_URL = oidc_peer.discovery_url
    settings.DVC_VNEID_CLIENT_ID = CLIENT_ID
    settings.DVC_VNEID_CLIENT_SECRET = CLIENT_SECRET
    settings.DVC_VNEID_ISSUER = ""
    oidc_peer.set_user(SUBJECT, CITIZEN)
    return oidc_peer
