"""adiuva-companion doctor against a real gateway."""

from __future__ import annotations

import pytest

from agents.store import DB_FILENAME, Store
from bridge.gateway import DeviceGateway
from desktop.doctor import doctor

TOKEN = "doctor-token-51c2"


@pytest.fixture
async def gateway():
    gw = DeviceGateway(tokens={TOKEN: "local"})
    await gw.start()
    yield gw
    await gw.stop()


async def _with_backend(tmp_path, url: str) -> None:
    store = await Store.open(tmp_path / DB_FILENAME)
    await store.set_setting("backend_url", url)
    await store.close()


async def test_healthy_install_exits_zero(tmp_path, gateway, monkeypatch, capsys):
    """Reachable backend, accepted token, readable store: every line ok, exit 0."""
    await _with_backend(tmp_path, gateway.url)
    monkeypatch.setenv("ADIUVA_DEVICE_TOKEN", TOKEN)
    assert await doctor(tmp_path) == 0
    out = capsys.readouterr().out
    assert "integrity_check: ok" in out and "reachable, token accepted" in out and "FAIL" not in out
    assert TOKEN not in out


async def test_rejected_token_fails_with_the_fix(tmp_path, gateway, monkeypatch, capsys):
    """A rejected token makes doctor exit 1 and say to sign in again."""
    await _with_backend(tmp_path, gateway.url)
    monkeypatch.setenv("ADIUVA_DEVICE_TOKEN", "wrong")
    assert await doctor(tmp_path) == 1
    out = capsys.readouterr().out
    assert "token was rejected (HTTP 401)" in out and "sign in again" in out


def test_doctor_reports_a_hung_keyring_as_timed_out_and_finishes(tmp_path):
    """With a keyring that never answers, doctor says "timed out", runs the other checks and exits 1 (a process)."""
    from tests.e2e.startup_helpers import run

    data = tmp_path / "data"
    assert run(["login", "--backend-url", "wss://api.example.com/ws", "--data-dir", str(data)], tmp_path,
               stdin="tok\n").returncode == 0  # a backend URL, so the backend check has something to say
    done = run(["doctor", "--data-dir", str(data)], tmp_path,
               PYTHON_KEYRING_BACKEND="tests.e2e.fake_keyrings.BlockingKeyring")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stderr
    out = done.stdout
    assert "FAIL  keyring: timed out after 5 s" in out and "ADIUVA_DEVICE_TOKEN" in out
    assert "integrity_check: ok" in out and "not checked (the keyring did not answer)" in out
    lines = out.splitlines()
    assert "agents: none yet" in lines[-2] and "MCP door starts" in lines[-1]


async def test_doctor_reports_a_redirect_without_following_it(tmp_path, gateway, monkeypatch, capsys):
    """A backend URL that redirects is a FAIL naming where it points; doctor dials only the URL given."""
    from tests.security.test_transport_handshake import CountingServer, redirecting_server

    target = CountingServer()
    await target.start()
    server, dials = await redirecting_server(f"ws://127.0.0.1:{target.port}/device")
    try:
        port = server.sockets[0].getsockname()[1]
        await _with_backend(tmp_path, f"ws://127.0.0.1:{port}/device")
        monkeypatch.setenv("ADIUVA_DEVICE_TOKEN", TOKEN)
        assert await doctor(tmp_path) == 1
    finally:
        server.close()
        await server.wait_closed()
        await target.stop()
    out = capsys.readouterr().out
    assert f"redirects to ws://127.0.0.1:{target.port}/device (HTTP 302)" in out
    assert dials == ["/device"] and target.connections == 0
