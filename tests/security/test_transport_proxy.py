"""Proxies: HTTPS_PROXY carries wss:// through an HTTP CONNECT tunnel, NO_PROXY is respected, loopback never proxied.

A real CONNECT proxy on 127.0.0.1 port 0 (it maps the test host name to
127.0.0.1 and counts tunnels), a real gateway serving TLS with a throwaway CA
trusted through SSL_CERT_FILE, and the in-process device.
"""

from __future__ import annotations

import asyncio
import datetime
import ssl
from pathlib import Path

import pytest

from bridge.client import Backoff, State
from bridge.endpoint import describe_proxy, proxy_for
from bridge.gateway import DeviceGateway
from desktop.doctor import Report, check_proxy
from tests.bridge.conftest import start_bare_device
from tests.conftest import GATEWAY_TOKEN, until

HOST = "backend.adiuva.test"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "ws_proxy", "wss_proxy", "socks_proxy", "no_proxy")


@pytest.fixture
def clean_proxy_env(monkeypatch):
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


class ConnectProxy:
    """An HTTP CONNECT proxy: tunnels to 127.0.0.1 whatever host is asked for; records each target."""

    def __init__(self) -> None:
        self.targets: list[str] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        self.targets.append(target)
        if method != "CONNECT":
            writer.close()
            return
        port = int(target.rsplit(":", 1)[1])
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def stop(self) -> None:
        self.server.close()


def make_tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for HOST signed by a fresh CA, and the CA file to trust."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "adiuva test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, ca_file


def test_proxy_choice_follows_the_environment(clean_proxy_env):
    """HTTPS_PROXY applies to wss://; NO_PROXY (exact or a domain suffix) and loopback hosts go direct."""
    env = clean_proxy_env
    env.setenv("HTTPS_PROXY", "http://user:secret@proxy.corp:3128")
    assert proxy_for("wss://api.example.com/ws/device") == "http://user:secret@proxy.corp:3128"
    assert describe_proxy(proxy_for("wss://api.example.com/ws/device")) == "http://proxy.corp:3128"
    for url in ("ws://127.0.0.1:8765/ws/device", "ws://localhost:8765/ws/device", "wss://[::1]:9/ws/device"):
        assert proxy_for(url) is None, url
    env.setenv("NO_PROXY", "api.example.com")
    assert proxy_for("wss://api.example.com/ws/device") is None
    env.setenv("NO_PROXY", ".example.com")
    assert proxy_for("wss://api.example.com/ws/device") is None
    assert proxy_for("wss://api.example.org/ws/device") is not None


def test_doctor_shows_the_proxy_in_effect(clean_proxy_env, capsys):
    """doctor's proxy line names the proxy (without its password) or says the connection is direct."""
    clean_proxy_env.setenv("HTTPS_PROXY", "http://user:secret@proxy.corp:3128")
    assert check_proxy(Report(), "wss://api.example.com/ws/device") is not None
    assert check_proxy(Report(), "ws://127.0.0.1:8765/ws/device") is None
    out = capsys.readouterr().out
    assert "proxy: http://proxy.corp:3128" in out and "secret" not in out and "direct connection" in out


@pytest.mark.timeout(30)
async def test_loopback_backend_is_never_proxied(tmp_path: Path, clean_proxy_env):
    """With HTTPS_PROXY set, a ws://127.0.0.1 backend is dialled directly: the proxy sees nothing."""
    proxy = ConnectProxy()
    await proxy.start()
    clean_proxy_env.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    clean_proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    gateway = DeviceGateway(tokens={GATEWAY_TOKEN: "local"})
    await gateway.start()
    device = await start_bare_device(tmp_path, gateway.url)
    try:
        await gateway.wait_online(timeout=10)
        assert proxy.targets == []
    finally:
        await device.close()
        await gateway.stop()
        await proxy.stop()


@pytest.mark.timeout(30)
async def test_wss_goes_through_https_proxy_and_no_proxy_bypasses_it(tmp_path: Path, clean_proxy_env):
    """wss:// to a named host tunnels through HTTPS_PROXY (TLS verified end to end); with NO_PROXY it does not."""
    server_tls, ca_file = make_tls(tmp_path)
    clean_proxy_env.setenv("SSL_CERT_FILE", str(ca_file))
    proxy = ConnectProxy()
    await proxy.start()
    clean_proxy_env.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    gateway = DeviceGateway(tokens={GATEWAY_TOKEN: "local"})
    await gateway.start(ssl=server_tls)
    url = f"wss://{HOST}:{gateway.port}/ws/device"
    device = await start_bare_device(tmp_path, url, backoff=Backoff(base=0.05, cap=0.1))
    try:
        await gateway.wait_online(timeout=10)
        assert proxy.targets == [f"{HOST}:{gateway.port}"]
        assert (await gateway.call("list_tasks", {}, timeout=5))["total"] == 0
        clean_proxy_env.setenv("NO_PROXY", HOST)
        device.client.reconnect()
        await until(lambda: device.client.dials >= 2 and device.client.state is State.OFFLINE
                    and "cannot reach" in (device.client.last_error or ""), 10,
                    "a direct dial failing (the test host has no DNS name)")
        assert proxy.targets == [f"{HOST}:{gateway.port}"]
    finally:
        await device.close()
        await gateway.stop()
        await proxy.stop()


@pytest.mark.timeout(30)
async def test_an_invalid_proxy_setting_is_a_configuration_error_without_its_password(tmp_path: Path,
                                                                                   clean_proxy_env, caplog):
    """HTTPS_PROXY with an unsupported scheme: state misconfigured, one dial, the proxy password in no log line."""
    clean_proxy_env.setenv("HTTPS_PROXY", "ftp://user:pr0xy-pa55word@proxy.corp:21")
    device = await start_bare_device(tmp_path, f"wss://{HOST}:9/ws/device", backoff=Backoff(base=0.01, cap=0.05))
    try:
        await until(lambda: device.client.state is State.MISCONFIGURED, 10, "the misconfigured state")
        await asyncio.sleep(0.3)
        assert device.client.dials == 1 and "proxy" in (device.client.last_error or "")
        assert "pr0xy-pa55word" not in (device.client.last_error or "") and "pr0xy-pa55word" not in caplog.text
    finally:
        await device.close()
