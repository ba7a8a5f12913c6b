"""The device token never leaks: not in output, files, frames, URLs or argv.

A real gateway on 127.0.0.1 port 0 in this process and the headless companion
as a subprocess with ``-v`` (debug logging) and a distinctive token in
``ADIUVA_DEVICE_TOKEN``; a second companion dials with a wrong token.
"""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest

from bench.kill9 import CompanionProcess
from bridge import credentials, protocol
from bridge.gateway import DeviceCallError, DeviceGateway


class RecordingGateway(DeviceGateway):
    """The reference gateway, also keeping every raw frame and every upgrade request path."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.raw: list[str | bytes] = []
        self.paths: list[str] = []

    def _check_token(self, connection, request):
        self.paths.append(request.path)
        return super()._check_token(connection, request)

    async def _on_message(self, conn, message):
        self.raw.append(message)
        await super()._on_message(conn, message)


def leaks(secret: str, blob: bytes | str) -> bool:
    data = blob.encode("utf-8", "surrogateescape") if isinstance(blob, str) else blob
    forms = {secret.encode(), base64.b64encode(secret.encode()), secret.encode("utf-16-le")}
    return any(form in data for form in forms)


def files_leaking(secret: str, root: Path) -> list[str]:
    """Every file under ``root`` (read as bytes) that holds the secret."""
    found, seen = [], 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            try:
                data = path.read_bytes()
            except (FileNotFoundError, OSError):  # a socket, or gone meanwhile (the WAL at close)
                continue
            seen += 1
            if leaks(secret, data):
                found.append(str(path))
    assert seen > 0, f"nothing to read under {root}"
    return found


async def wait_for_text(path: Path, text: str, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while text not in path.read_text(errors="replace"):
            await asyncio.sleep(0.05)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/cmdline")
@pytest.mark.timeout(60)
async def test_token_appears_in_no_output_file_frame_url_or_argv(tmp_path: Path):
    """Across calls, errors, a reconnect and a rejected dial, the token is in no output, file, frame, URL or argv."""
    token = f"adiuva-secret-{secrets.token_hex(16)}"
    wrong = f"adiuva-wrong-{secrets.token_hex(16)}"
    gateway = RecordingGateway(tokens={token: "local"})
    await gateway.start("127.0.0.1", 0)
    data_dir, other_dir = tmp_path / "data", tmp_path / "other"
    good = CompanionProcess(data_dir, gateway.url, token, tmp_path / "good.out", verbose=True)
    bad = CompanionProcess(other_dir, gateway.url, wrong, tmp_path / "bad.out", verbose=True)
    try:
        good.start()
        await gateway.wait_online(timeout=30)
        cmdline = Path(f"/proc/{good.pid}/cmdline").read_bytes()
        assert b"--headless" in cmdline and not leaks(token, cmdline)
        assert token in Path(f"/proc/{good.pid}/environ").read_bytes().decode(errors="replace")  # env is the way in

        project = await gateway.call("create_project", {"name": "Acme"})
        task = await gateway.call("create_task", {"title": "Send quote", "projectId": project["id"]}, call_id="c-1")
        assert (await gateway.call("create_task", {"title": "Send quote", "projectId": project["id"]},
                                   call_id="c-1")) == task
        for name, args, expected in [
            ("format_disk", {}, "unknown_tool"),
            ("create_task", {"title": 5}, "invalid_args"),
            ("get_note", {"note_id": "missing"}, "not_found"),
            ("read_file_content", {"path": "/etc/passwd"}, "forbidden_path"),
            ("create_task", {"title": "Other"}, "conflict"),
        ]:
            with pytest.raises(DeviceCallError) as info:
                await gateway.call(name, args, call_id="c-1" if expected == "conflict" else None)
            assert info.value.type == expected

        await gateway.connection().ws.close(1011, "server error")  # the device must dial again
        await gateway.wait_offline(timeout=5)
        await gateway.wait_online(timeout=10)
        assert (await gateway.call("list_tasks", {}))["total"] == 1

        bad.start()
        await wait_for_text(bad.log_path, "sign in again", timeout=30)
        assert 1 <= gateway.rejected_dials <= 2
        assert not leaks(wrong, Path(f"/proc/{bad.pid}/cmdline").read_bytes())

        # while both run (the WAL and shared-memory files exist now)
        assert files_leaking(token, data_dir) == []
        assert files_leaking(wrong, other_dir) == []

        assert await good.terminate() == 0, good.log_tail()
        assert await bad.terminate() == 0, bad.log_tail()
    finally:
        good.ensure_dead()
        bad.ensure_dead()
        await gateway.stop()

    good_out, bad_out = good.log_path.read_bytes(), bad.log_path.read_bytes()
    assert b" DEBUG " in good_out and b"bridge.connection.connected" in good_out  # -v really logged
    assert not leaks(token, good_out) and not leaks(wrong, bad_out) and not leaks(token, bad_out)
    assert files_leaking(token, data_dir) == [] and files_leaking(wrong, other_dir) == []
    assert any(p.name == "companion.log" for p in data_dir.rglob("*"))
    assert len(gateway.hellos) == 2 and len(gateway.raw) > 10
    assert not [m for m in gateway.raw if leaks(token, m)]
    assert not [f for f in gateway.received if leaks(token, protocol.encode(f))]
    assert gateway.paths and not [p for p in gateway.paths if leaks(token, p) or leaks(wrong, p)]


@pytest.fixture
def no_keyring(monkeypatch):
    """No OS keyring backend in this process (restored afterwards)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.delenv(credentials.TOKEN_ENV, raising=False)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_the_token_object_hides_its_value(monkeypatch):
    """repr() and str() of what get_token() returns do not show the token; get_secret_value() does."""
    token = f"adiuva-secret-{secrets.token_hex(16)}"
    monkeypatch.setenv(credentials.TOKEN_ENV, token)
    value = credentials.get_token()
    assert value is not None and value.get_secret_value() == token
    for text in (repr(value), str(value), f"{value}", f"{value!r}", repr([value]), repr({"token": value})):
        assert token not in text


def test_no_keyring_backend_says_how_to_run_headless(no_keyring):
    """Without a keyring backend and without the env var, get_token() raises a message naming the env var."""
    with pytest.raises(credentials.CredentialsUnavailable) as info:
        credentials.get_token()
    assert credentials.TOKEN_ENV == "ADIUVA_DEVICE_TOKEN"
    assert "ADIUVA_DEVICE_TOKEN" in str(info.value)
