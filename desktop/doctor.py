"""``adiuva-companion doctor``: check the installation; each problem line says how to fix it.

Checks, in order (``CHECKS``): the data dir, the workspace schema and
``PRAGMA integrity_check``, the keyring backend and the token, the backend URL
(reachable, token accepted) and the proxy a connection would use, that every agent's folders are readable and
still the folders the user picked (pinned, ``agents.roots``), and that the MCP
door starts.
Exit code 0 when all is well, 1 otherwise.

Doctor never hangs: each check runs under its own time limit (``timeout``,
5 s) and one that does not answer in time is reported as "timed out" while
the next check runs. Blocking calls (the OS keyring, ``os.access`` on a
folder that may be a dead network mount) run in daemon threads, so a call
that never returns cannot keep the process alive either; a timed-out check is
cancelled, never awaited. Runs on the caller's asyncio loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr

from agents import config
from agents.errors import AdiuvaError
from agents.settings import BACKEND_URL
from agents.store import DB_FILENAME, Store, known_migrations
from bridge import credentials
from bridge import protocol as wire

OK, WARN, FAIL = "ok", "warn", "FAIL"
T = TypeVar("T")


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


@dataclass
class State:
    """What one check hands to the next."""

    data_dir: Path
    timeout: float
    store: Store | None = None
    token: SecretStr | None = None
    keyring_answered: bool = True
    timed_out: list[str] = field(default_factory=list)


async def blocking(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a daemon thread: awaiting it can be cancelled, and a call that never
    returns neither blocks the loop nor keeps the process alive (``asyncio.to_thread``'s pool
    would be joined at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if not future.done():
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

    def work() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # handed to the awaiting task
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name=f"doctor-{getattr(fn, '__name__', 'call')}", daemon=True).start()
    return await future


async def bounded(report: Report, state: State, what: str, check: Awaitable[None], fix: str,
                  timeout: float) -> bool:
    """Run one check; after ``timeout`` seconds cancel it (without waiting for it) and say so."""
    task = asyncio.ensure_future(check)
    done, _pending = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        state.timed_out.append(what)
        report.line(FAIL, f"{what}: timed out after {timeout:g} s", fix)
        return False
    exc = task.exception()
    if exc is not None:
        report.line(FAIL, f"{what}: {type(exc).__name__}: {exc}", "run again with -v and report the log")
        return False
    return True


# ── the checks ─────────────────────────────────────────────────────────────
async def check_data_dir(report: Report, state: State) -> None:
    if await blocking(os.access, state.data_dir, os.W_OK):
        report.line(OK, "data dir is writable")
    else:
        report.line(FAIL, "data dir is not writable", f"fix the permissions of {state.data_dir} or use --data-dir")


async def check_workspace(report: Report, state: State) -> None:
    try:
        store = await Store.open(state.data_dir / DB_FILENAME)
    except AdiuvaError as exc:
        report.line(FAIL, f"workspace: {exc}", "see the message; move the file away to start fresh")
        return
    state.store = store
    integrity = await store.integrity_check()
    newest = known_migrations()[-1].version
    report.line(OK, f"workspace schema {store.schema_version} (this app knows up to {newest})")
    if integrity == "ok":
        report.line(OK, "integrity_check: ok")
    else:
        report.line(FAIL, f"integrity_check: {integrity[:300]}",
                    "restore workspace.sqlite3 from a backup, or move it away to start fresh")


def _ask_keyring() -> tuple[str, bool, SecretStr | None]:
    return credentials.keyring_backend_name(), credentials.keyring_available(), credentials.get_token()


async def check_keyring(report: Report, state: State) -> None:
    state.keyring_answered = False
    try:
        backend, available, token = await blocking(_ask_keyring)
        report.line(OK if available else WARN, f"keyring backend: {backend}",
                    "" if available else f"no OS keyring: set {credentials.TOKEN_ENV} for headless use")
    except credentials.CredentialsUnavailable as exc:
        token = None
        report.line(WARN, "the OS keyring cannot be used", str(exc))
    state.keyring_answered = True
    state.token = token
    source = credentials.token_source()
    report.line(OK if token else WARN, f"device token: {'present (' + source + ')' if token else 'not signed in'}",
                "" if token else "adiuva-companion login --backend-url URL  (token on stdin)")


async def check_backend(report: Report, state: State) -> None:
    url = os.environ.get("ADIUVA_BACKEND_URL") or (
        await state.store.get_setting(BACKEND_URL) if state.store else None)
    if not url:
        report.line(OK, "backend: none configured (offline mode)")
    elif not state.keyring_answered:
        report.line(WARN, f"backend {url}: not checked (the keyring did not answer)",
                    f"set {credentials.TOKEN_ENV} to check it without the keyring")
    elif state.token is None:
        report.line(WARN, f"backend {url}: not checked without a token", "sign in first")
    else:
        await _check_backend(report, url, state.token.get_secret_value(), state.timeout)
    if url:
        check_proxy(report, url)


async def check_agents(report: Report, state: State) -> None:
    if state.store is None:
        return
    agents = await config.list_agents(state.store)
    if not agents:
        report.line(OK, "agents: none yet")
    folders = [(agent, folder) for agent in agents for folder in agent.directory_paths]

    async def readable(folder: str) -> bool | None:
        try:
            return await asyncio.wait_for(blocking(_readable_dir, folder), state.timeout)
        except TimeoutError:
            return None

    # All at once, each bounded: one dead network mount costs ``timeout`` once, not per folder.
    answers = await asyncio.gather(*(readable(folder) for _agent, folder in folders))
    for (agent, folder), answer in zip(folders, answers, strict=True):
        if answer is None:
            report.line(FAIL, f"agent {agent.name}: {folder} did not answer in {state.timeout:g} s",
                        "a network folder that is down? reconnect it or edit the agent's folders")
        elif answer:
            report.line(OK, f"agent {agent.name}: {folder} is readable")
        else:
            report.line(FAIL, f"agent {agent.name}: {folder} is missing or unreadable",
                        f"adiuva-companion agent edit {agent.name!r} --folder NEW_FOLDER")
    await _check_pinned_roots(report, state.store, agents)


async def check_mcp_door(report: Report, state: State, *, timeout: float | None = None) -> None:
    """The MCP door starts: spawn ``mcp`` over stdio, initialize, list the tools (a cold start of the
    SDK takes a few seconds, so it gets ``timeout`` + 14 s unless told)."""
    from bridge.mcp_door.setup import probe

    started, detail = await probe(state.data_dir, timeout=state.timeout + 14 if timeout is None else timeout)
    if started:
        report.line(OK, f"MCP door starts ({detail})")
    else:
        report.line(FAIL, f"MCP door does not start: {detail}", "run: adiuva-companion mcp --verbose")


# (what, check, the fix when it times out, extra seconds on top of ``timeout``)
CHECKS: list[tuple[str, Callable[[Report, State], Awaitable[None]], str, float]] = [
    ("data dir", check_data_dir, "the data dir's disk does not answer: check the mount, or use --data-dir", 0),
    ("workspace", check_workspace,
     "another program holds the database, or the disk is slow: stop other companions and try again", 0),
    ("keyring", check_keyring,
     f"the OS keyring does not answer (locked, or no D-Bus session?): unlock it, or set {credentials.TOKEN_ENV}",
     0),
    ("backend", check_backend, "check the network and the URL (adiuva-companion login --backend-url URL)", 2),
    ("agents", check_agents, "the workspace or a folder does not answer: check the disk and network mounts", 2),
    ("MCP door", check_mcp_door, "the MCP door did not start in time: run adiuva-companion mcp --verbose", 15),
]


async def doctor(data_dir: Path, *, timeout: float = 5.0) -> int:
    """Run every check, each bounded by ``timeout`` seconds; 0 when all is well, 1 otherwise."""
    report = Report()
    print(f"Adiuva Companion doctor — data dir {data_dir}", flush=True)
    state = State(data_dir=data_dir, timeout=timeout)
    for what, check, fix, extra in CHECKS:
        finished = await bounded(report, state, what, check(report, state), fix, timeout + extra)
        if what == "workspace" and not finished:
            # A hung statement holds the connection: do not use it (or wait to close it). The agents
            # check is skipped; the database thread is a daemon and cannot keep the process alive.
            state.store = None
    if state.store is not None:
        await bounded(report, state, "closing the workspace", state.store.close(), "", timeout)
    return 1 if report.failed else 0


async def _check_pinned_roots(report: Report, store: Store, agents: list[config.AgentConfig]) -> None:
    """One FAIL line per agent folder that changed since the user picked it (its tools refuse it)."""
    for problem in await config.root_problems(store, agents):
        report.line(FAIL, f"agent {problem.agent_name}: {problem.message}",
                    f"pick the folder again in the Agents view and save, or: adiuva-companion agent edit "
                    f"{problem.agent_name!r} --folder {problem.path}")


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
    """Dial ``url`` as the bridge does: no redirects, through the proxy in effect, the subprotocol required."""
    from websockets.exceptions import InvalidHandshake, InvalidStatus

    from bridge.dial import NoRedirects, printable
    from bridge.endpoint import proxy_for

    try:
        async with asyncio.timeout(timeout):
            async with NoRedirects(url, additional_headers={"Authorization": f"Bearer {token}"},
                                   subprotocols=[wire.SUBPROTOCOL], open_timeout=timeout,
                                   proxy=proxy_for(url)) as ws:
                chosen = ws.subprotocol
                await ws.close(1000, "doctor")
        if chosen != wire.SUBPROTOCOL:
            report.line(FAIL, f"backend {url}: the server does not speak {wire.SUBPROTOCOL}",
                        "this URL is not an Adiuva device endpoint: check it")
        else:
            report.line(OK, f"backend {url}: reachable, token accepted")
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status in (401, 403):
            report.line(FAIL, f"backend {url}: the token was rejected (HTTP {status})",
                        "sign in again: adiuva-companion login")
        elif 300 <= status < 400:
            where = printable(exc.response.headers.get("Location", "") or "nowhere")
            report.line(FAIL, f"backend {url}: redirects to {where} (HTTP {status}); redirects are not followed",
                        "if that address is right, set it: adiuva-companion login --backend-url URL")
        else:
            report.line(FAIL, f"backend {url}: answered HTTP {status}", "check the URL, or try later")
    except (OSError, TimeoutError, InvalidHandshake, ValueError) as exc:
        report.line(FAIL, f"backend {url}: cannot connect ({type(exc).__name__}: {exc})",
                    "check the network and the URL (adiuva-companion login --backend-url URL)")

if __name__ == "__main__":  # pragma: no cover
    sys.exit(asyncio.run(doctor(Path(sys.argv[1]))))
