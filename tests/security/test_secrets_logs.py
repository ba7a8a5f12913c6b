"""The device token is in no log line, in any form, whatever carries it there.

``bridge.redact`` knows every token the process has seen (environment,
keyring, ``login`` input, the token a client dials with) and its filter
rewrites every record. Sources tried here: websockets' header errors, a
server's close reason echoing the token (whole or cut short), exception
text and tracebacks, a keyring token; and once end to end in the headless
companion's own log output as a subprocess.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import secrets
from pathlib import Path

import pytest

from bench.kill9 import CompanionProcess
from bridge import credentials, redact
from bridge.client import Backoff, State
from bridge.gateway import DeviceGateway
from desktop.cli import main
from tests.bridge.conftest import start_bare_device
from tests.conftest import until


def new_token() -> str:
    return f"adiuva-tok-{secrets.token_hex(16)}"


def leaks(token: str, text: str) -> list[str]:
    """The forms of ``token`` found in ``text``: whole, base64, or a 12-character prefix or suffix."""
    forms = {"whole": token, "base64": base64.b64encode(token.encode()).decode(),
             "prefix": token[:12], "suffix": token[-12:]}
    return [name for name, form in forms.items() if form in text]


@pytest.fixture
def redacting(caplog):
    """The process-wide redaction installed (as the CLI does), and INFO records captured."""
    redact.install()
    caplog.set_level(logging.INFO)
    return caplog


class EchoingGateway(DeviceGateway):
    """Closes each connection right after the hello with a reason that echoes ``echo``."""

    echo = ""

    async def _on_message(self, conn, message):
        await super()._on_message(conn, message)
        if conn.hello is not None and not getattr(conn, "echoed", False):
            conn.echoed = True
            self._spawn(conn.ws.close(1008, self.echo))


@pytest.mark.timeout(30)
async def test_a_token_the_header_cannot_carry_is_refused_without_echo(tmp_path: Path, redacting):
    """A token with a line break is not handed to websockets (whose error quotes the header): state says sign in."""
    token = new_token()
    gateway = DeviceGateway(tokens={token: "local"})
    await gateway.start()
    bad = f"{token}\nX-Injected: 1"
    device = await start_bare_device(tmp_path, gateway.url, token=bad, backoff=Backoff(base=0.01, cap=0.05))
    try:
        await until(lambda: device.client.state is State.UNAUTHORIZED, 10, "the unauthorized state")
        assert "sign in again" in (device.client.last_error or "")
        assert gateway.dials == 0
        assert leaks(token, device.client.last_error or "") == []
        assert leaks(token, redacting.text) == [] and "X-Injected" not in redacting.text
    finally:
        await device.close()
        await gateway.stop()


@pytest.mark.parametrize("shape", ["whole", "cut short"])
@pytest.mark.timeout(30)
async def test_a_close_reason_echoing_the_token_is_redacted(tmp_path: Path, redacting, shape: str):
    """A server closing with the token (or its first 20 characters) in the reason: no log line or state shows it."""
    token = new_token()
    gateway = EchoingGateway(tokens={token: "local"})
    gateway.echo = f"revoked {token}" if shape == "whole" else f"revoked {token[:20]}…"
    await gateway.start()
    device = await start_bare_device(tmp_path, gateway.url, token=token, backoff=Backoff(base=0.5, cap=1))
    try:
        await until(lambda: "1008" in (device.client.last_error or ""), 10, "the echoed close")
        assert "revoked ***" in (device.client.last_error or "")
        assert leaks(token, device.client.last_error or "") == []
        assert "revoked ***" in redacting.text and leaks(token, redacting.text) == []
    finally:
        await device.close()
        await gateway.stop()


def test_exception_text_and_tracebacks_are_redacted(redacting):
    """log.exception with the token in the exception and in a local repr: the traceback shows *** only."""
    token = new_token()
    redact.remember(token)
    log = logging.getLogger("tests.security.leaky")
    try:
        raise RuntimeError(f"invalid Authorization header: Bearer {token}")
    except RuntimeError:
        log.exception("dial failed for %r", {"Authorization": f"Bearer {token}"})
    log.warning("escaped %s", repr(token.replace("-", "\x00")))
    log.warning("encoded %s", base64.b64encode(token.encode()).decode())
    record = redacting.records[0]
    assert record.exc_text and "RuntimeError" in record.exc_text and "Bearer ***" in record.exc_text
    assert leaks(token, redacting.text) == []
    assert leaks(token, "\n".join(r.getMessage() for r in redacting.records)) == []


def test_a_keyring_token_is_redacted(redacting, memory_keyring):
    """A token stored in the keyring before this process started is known once it is read."""
    token = new_token()
    memory_keyring.secrets[(credentials.SERVICE, credentials.ACCOUNT)] = token
    assert credentials.get_token().get_secret_value() == token
    logging.getLogger("tests.security.leaky").info("read %s, trimmed %s", token, token[:30])
    assert leaks(token, redacting.text) == [] and "read ***, trimmed ***" in redacting.text


@pytest.mark.parametrize("typed", [
    "adiuva tok zqxw", "adiuva-tök-zqxw", "adiuva-tok-\x01zqxw", "adiuva-tok\tzqxw", "", "   ",
])
def test_login_refuses_a_token_that_cannot_go_in_a_header(typed, memory_keyring, monkeypatch, capsys, tmp_path):
    """Spaces, non-ASCII, control characters or nothing: login exits 2, stores nothing, echoes nothing."""
    monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
    assert main(["login", "--data-dir", str(tmp_path)]) == 2
    assert memory_keyring.secrets == {}
    out = capsys.readouterr()
    assert "error:" in out.err
    assert "adiuva" not in out.err + out.out and "zqxw" not in out.err + out.out


@pytest.mark.timeout(60)
async def test_the_companion_process_logs_no_form_of_its_token(tmp_path: Path):
    """Headless companion, -v, token from the environment with spaces around it, echoed back in close reasons."""
    token = new_token()
    gateway = EchoingGateway(tokens={token: "local"})
    gateway.echo = f"revoked {token} ({token[:16]}…)"
    await gateway.start()
    device = CompanionProcess(tmp_path / "data", gateway.url, f"  {token}  ", tmp_path / "device.out", verbose=True)
    try:
        device.start()
        await until(lambda: len(gateway.hellos) >= 2, 30, "two connections closed with the echo")
        await asyncio.sleep(0.3)
        assert await device.terminate() == 0, device.log_tail()
    finally:
        device.ensure_dead()
        await gateway.stop()
    output = device.log_path.read_text(errors="replace")
    logfile = "".join(p.read_text(errors="replace") for p in (tmp_path / "data").rglob("companion.log*"))
    assert "revoked ***" in output and " DEBUG " in output
    assert leaks(token, output) == [] and leaks(token, logfile) == []
