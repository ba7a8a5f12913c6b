"""``adiuva-companion doctor``: check the installation; each problem line says how to fix it.

Checks: the data dir, the workspace schema and ``PRAGMA integrity_check``,
the keyring backend and the token, the backend URL (reachable, token
accepted), the proxy a connection would use, and that every agent's folders are readable. Exit code 0 when
all is well, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from agents import config
from agents.errors import AdiuvaError
from agents.store import DB_FILENAME, Store, known_migrations
from bridge import credentials
from bridge import protocol as wire

OK, WARN, FAIL = "ok", "warn", "FAIL"


class Report:
    def __init__(self) -> None:
        self.failed = False

    def line(self, status: str, what: str, fix: str = "") -> None:
        if status == FAIL:
            self.failed = True
        text = f"{status:<4}  {what}"
        if fix:
            text += f"\n      → {fix}"
        print(text, flush=True)


async def doctor(data_dir: Path, *, timeout: float = 5.0) -> int:
    report = Report()
    print(f"Adiuva Companion doctor — data dir {data_dir}")
    if os.access(data_dir, os.W_OK):
        report.line(OK, "data dir is writable")
    else:
        report.line(FAIL, "data dir is not writable", f"fix the permissions of {data_dir} or use --data-dir")

    store: Store | None = None
    try:
        store = await Store.open(data_dir / DB_FILENAME)
        integrity = await store.integrity_check()
        newest = known_migrations()[-1].version
        report.line(OK, f"workspace schema {store.schema_version} (this app knows up to {newest})")
        if integrity == "ok":
            report.line(OK, "integrity_check: ok")
        else:
            report.line(FAIL, f"integrity_check: {integrity[:300]}",
                        "restore workspace.sqlite3 from a backup, or move it away to start fresh")
    except AdiuvaError as exc:
        report.line(FAIL, f"workspace: {exc}", "see the message; move the file away to start fresh")

    try:
        backend = credentials.keyring_backend_name()
        available = credentials.keyring_available()
        report.line(OK if available else WARN, f"keyring backend: {backend}",
                    "" if available else f"no OS keyring: set {credentials.TOKEN_ENV} for headless use")
        token = credentials.get_token()
    except credentials.CredentialsUnavailable as exc:
        token = None
        report.line(WARN, "the OS keyring cannot be used", str(exc))
    source = credentials.token_source()
    report.line(OK if token else WARN, f"device token: {'present (' + source + ')' if token else 'not signed in'}",
                "" if token else "adiuva-companion login --backend-url URL  (token on stdin)")

    url = os.environ.get("ADIUVA_BACKEND_URL") or (await store.get_setting("backend_url") if store else None)
    if not url:
        report.line(OK, "backend: none configured (offline mode)")
    elif token is None:
        report.line(WARN, f"backend {url}: not checked without a token", "sign in first")
    else:
        await _check_backend(report, url, token.get_secret_value(), timeout)
    if url:
        check_proxy(report, url)

    if store is not None:
        agents = await config.list_agents(store)
        if not agents:
            report.line(OK, "agents: none yet")
        for agent in agents:
            for folder in agent.directory_paths:
                if await asyncio.to_thread(_readable_dir, folder):
                    report.line(OK, f"agent {agent.name}: {folder} is readable")
                else:
                    report.line(FAIL, f"agent {agent.name}: {folder} is missing or unreadable",
                                f"adiuva-companion agent edit {agent.name!r} --folder NEW_FOLDER")
        await store.close()
    return 1 if report.failed else 0


def check_proxy(report: Report, url: str) -> str | None:
    """Say which proxy a connection to ``url`` goes through (HTTPS_PROXY / NO_PROXY / OS settings); returns it."""
    from bridge.endpoint import describe_proxy, proxy_for

    try:
        proxy = proxy_for(url)
    except Exception as exc:  # a malformed proxy variable must not end the doctor
        report.line(WARN, f"proxy: the proxy settings cannot be read ({type(exc).__name__})",
                    "check HTTPS_PROXY, ALL_PROXY and NO_PROXY")
        return None
    if proxy is None:
        report.line(OK, "proxy: none (direct connection to the backend)")
    else:
        report.line(OK, f"proxy: {describe_proxy(proxy)} (from HTTPS_PROXY or the OS settings)",
                    "to bypass it for this backend, add its host to NO_PROXY")
    return proxy


def _readable_dir(folder: str) -> bool:
    return os.path.isdir(folder) and os.access(folder, os.R_OK | os.X_OK)


async def _check_backend(report: Report, url: str, token: str, timeout: float) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidHandshake, InvalidStatus

    try:
        async with asyncio.timeout(timeout):
            async with connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                               subprotocols=[wire.SUBPROTOCOL], open_timeout=timeout) as ws:
                await ws.close(1000, "doctor")
        report.line(OK, f"backend {url}: reachable, token accepted")
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status in (401, 403):
            report.line(FAIL, f"backend {url}: the token was rejected (HTTP {status})",
                        "sign in again: adiuva-companion login")
        else:
            report.line(FAIL, f"backend {url}: answered HTTP {status}", "check the URL, or try later")
    except (OSError, TimeoutError, InvalidHandshake) as exc:
        report.line(FAIL, f"backend {url}: cannot connect ({type(exc).__name__}: {exc})",
                    "check the network and the URL (adiuva-companion login --backend-url URL)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(asyncio.run(doctor(Path(sys.argv[1]))))
