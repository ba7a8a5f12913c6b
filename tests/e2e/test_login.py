"""login / logout: the token goes to the OS keyring, never to the data dir."""

from __future__ import annotations

import io
import json

import keyring
from keyring.backends import fail

from bridge import credentials
from desktop.cli import main


def test_login_stores_the_token_in_the_keyring_and_the_url_in_settings(memory_keyring, monkeypatch, capsys, tmp_path):
    """login reads the token from stdin into the keyring; the URL goes to settings; logout removes it."""
    token = "tok-login-7f3e2a91"
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    data = tmp_path / "data"
    assert main(["login", "--backend-url", "wss://api.example.com/ws/device", "--data-dir", str(data)]) == 0
    assert memory_keyring.secrets[("adiuva-companion", "device-token")] == token
    assert credentials.get_token().get_secret_value() == token
    assert token not in repr(credentials.get_token())
    for path in data.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    out = capsys.readouterr().out
    assert "wss://api.example.com/ws/device" in out and token not in out
    import sqlite3

    from agents.store import DB_FILENAME

    db = sqlite3.connect(data / DB_FILENAME)
    [(value,)] = db.execute("SELECT value FROM settings WHERE key = 'backend_url'").fetchall()
    db.close()
    assert json.loads(value) == "wss://api.example.com/ws/device"
    assert main(["logout"]) == 0
    assert credentials.get_token() is None


def test_login_refuses_plain_ws_to_a_remote_host(memory_keyring, monkeypatch, capsys, tmp_path):
    """ws:// is only for loopback hosts: login refuses it for anything else and stores nothing."""
    monkeypatch.setattr("sys.stdin", io.StringIO("tok\n"))
    assert main(["login", "--backend-url", "ws://api.example.com/ws", "--data-dir", str(tmp_path)]) == 2
    assert "wss://" in capsys.readouterr().err
    assert memory_keyring.secrets == {}


def test_without_a_keyring_login_says_how_to_run_headless(monkeypatch, capsys, tmp_path):
    """With no keyring backend, login fails with a message naming ADIUVA_DEVICE_TOKEN."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("tok\n"))
        assert main(["login", "--data-dir", str(tmp_path)]) == 1
        assert "ADIUVA_DEVICE_TOKEN" in capsys.readouterr().err
    finally:
        keyring.set_keyring(previous)
