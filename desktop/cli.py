"""``adiuva-companion``: the entry point.

Without a command it starts the GUI, or the headless service with
``--headless`` or when no display is available (it says so). Commands:
``login``, ``logout``, ``gateway``, ``agent add|list|edit|remove|run``,
``runs``, ``review``, ``doctor``, ``service install|uninstall``, ``mcp``. No Qt is imported on any path but the GUI's.

``--data-dir`` and ``-v`` work before or after the command. A failure is one
``error: …`` line on stderr and exit 1 (2 for bad usage), never a traceback
(that goes to the debug log, shown with ``-v``); the service takes the data
dir's instance lock before it writes anything, so a second one exits at once.
Runs on the main thread; each command runs its own asyncio loop.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

from agents import __version__
from desktop.output import EXIT_ERROR, EXIT_OK, EXIT_USAGE, fail

log = logging.getLogger("desktop.cli")



# ── logging ────────────────────────────────────────────────────────────────
def setup_logging(data_dir: Path | None, verbose: bool, *, stderr: bool = True, quiet: bool = False) -> None:
    """Log to stderr (and the data dir's log file for the service); ``quiet`` = warnings only."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    handlers: list[logging.Handler] = []
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    if data_dir is not None:
        from logging.handlers import RotatingFileHandler

        try:
            (data_dir / "logs").mkdir(exist_ok=True, mode=0o700)
            handlers.append(RotatingFileHandler(data_dir / "logs" / "companion.log", maxBytes=2_000_000,
                                                backupCount=3, encoding="utf-8"))
        except OSError:
            pass  # a read-only or full data dir: the start-up that follows says so in one line
    # A log write that fails (a full disk) must not print a traceback per line nor stop the service.
    logging.raiseExceptions = False
    for handler in handlers:
        handler.setFormatter(fmt)
        root.addHandler(handler)
    from bridge import redact

    redact.install()  # no device token in any log line, from any logger, in any form
    log.debug("cli.logging data_dir=%s", data_dir)
    # websockets logs request headers (the Authorization header) at DEBUG.
    logging.getLogger("websockets").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)


# ── argument parsing ──────────────────────────────────────────────────────
def _common_options(parser: argparse.ArgumentParser, default: Any, verbose_default: Any) -> None:
    parser.add_argument("--data-dir", default=default,
                        help="where the workspace lives (default: ADIUVA_DATA_DIR or the user data dir)")
    parser.add_argument("-v", "--verbose", action="store_true", default=verbose_default, help="debug logging")


def build_parser() -> argparse.ArgumentParser:
    # --data-dir and -v are accepted before and after the command. A sub-parser
    # writes its defaults over what the main parser parsed, so the sub-parsers'
    # copies default to SUPPRESS (absent unless given) and the main parser's
    # defaults stand: `--data-dir D agent add` and `agent add --data-dir D` agree.
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, argparse.SUPPRESS, argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="adiuva-companion",
        description="Adiuva Companion: local agents, a scheduler and the device bridge for Adiuva.",
    )
    _common_options(parser, None, False)
    parser.add_argument("--version", action="version", version=f"adiuva-companion {__version__}")
    parser.add_argument("--headless", action="store_true", help="run the service without a window")
    parser.add_argument("--backend-url", help="backend websocket URL (kept in settings; ADIUVA_BACKEND_URL overrides)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = sub.add_parser("login", parents=[common], help="store the device token (read from stdin) in the keyring")
    login.add_argument("--backend-url", default=argparse.SUPPRESS, help="the backend to use from now on")
    sub.add_parser("logout", parents=[common], help="remove the device token from the keyring")

    gw = sub.add_parser("gateway", parents=[common], help="run the reference backend gateway for development")
    gw.add_argument("--host", default="127.0.0.1")
    gw.add_argument("--port", type=int, default=8765)
    gw.add_argument("--token", help="the token devices must present (default: a new random one)")

    agent = sub.add_parser("agent", parents=[common], help="manage local agents")
    asub = agent.add_subparsers(dest="agent_command", metavar="ACTION", required=True)
    for name, helptext in (("add", "add an agent"), ("edit", "change an agent")):
        p = asub.add_parser(name, parents=[common], help=helptext)
        p.add_argument("name")
        if name == "edit":
            p.add_argument("--rename", help="new name")
        p.add_argument("--folder", action="append", dest="folders", help="a folder to read (repeatable)")
        p.add_argument("--ext", action="append", dest="extensions", help="a file extension such as .md (repeatable)")
        p.add_argument("--types", help="comma-separated data types: tasks,notes,timelines,projects")
        p.add_argument("--cron", help="schedule as a 5-field cron expression ('' for manual only)")
        p.add_argument("--engine", choices=["rules", "llm", "backend"])
        p.add_argument("--prompt", help="extra instructions for the llm/backend engines")
        p.add_argument("--ignore", action="append", dest="ignore", metavar="PATTERN",
                       help="a .gitignore pattern of files to leave out (repeatable; --ignore '' clears them on edit)")
        p.add_argument("--enable", dest="enabled", action="store_true", default=None)
        p.add_argument("--disable", dest="enabled", action="store_false")
        p.add_argument("--json", action="store_true")
    p = asub.add_parser("list", parents=[common], help="list agents")
    p.add_argument("--json", action="store_true")
    p = asub.add_parser("remove", parents=[common], help="remove an agent")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p = asub.add_parser("run", parents=[common], help="run an agent now")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.add_argument("--wait", action="store_true",
                   help="when the running companion takes the run, wait for it to end and print its summary")

    runs = sub.add_parser("runs", parents=[common], help="recent runs")
    runs.add_argument("--agent", help="only this agent's runs")
    runs.add_argument("--limit", type=int, default=20)
    runs.add_argument("--json", action="store_true")

    sub.add_parser("doctor", parents=[common], help="check the installation and say how to fix problems")
    from desktop import service_install

    service_install.add_parser(sub, common)
    from bridge.mcp_door import cli as mcp_cli

    mcp_cli.add_parser(sub, common)
    from desktop import review_cli

    review_cli.add_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is one ``error: …`` line on stderr and a non-zero exit, never a traceback."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one line; the traceback with -v and in the log
        return fail(exc)


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from agents.paths import data_dir

    try:
        directory = data_dir(args.data_dir)
    except OSError as exc:
        return fail(exc, "cannot use the data dir: ")
    command = args.command
    try:
        if command is None:
            return _start_app(args, directory)
        setup_logging(None, args.verbose, quiet=command != "gateway")
        log.debug("cli.command name=%s data_dir=%s", command, directory)
        if command == "login":
            return _login(args, directory)
        if command == "logout":
            return _logout()
        if command == "gateway":
            from desktop.gateway_cli import serve_gateway

            return asyncio.run(serve_gateway(args.host, args.port, args.token))
        if command == "agent":
            from desktop import agent_cli

            return asyncio.run(agent_cli.dispatch(args, directory))
        if command == "runs":
            from desktop import agent_cli

            return asyncio.run(agent_cli.runs(args, directory))
        if command == "review":
            from desktop import review_cli

            return asyncio.run(review_cli.dispatch(args, directory))
        if command == "doctor":
            from desktop.doctor import doctor

            return asyncio.run(doctor(directory))
        if command == "service":
            from desktop import service_install

            return service_install.main(args)
        if command == "mcp":
            from bridge.mcp_door import cli as mcp_cli

            return mcp_cli.main(args, directory)
    except KeyboardInterrupt:
        return 130
    print(f"unknown command {command}", file=sys.stderr)
    return EXIT_USAGE


# ── the app ────────────────────────────────────────────────────────────────
def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _start_app(args: argparse.Namespace, directory: Path) -> int:
    notice = ""
    if not args.headless:
        if not _has_display():
            notice = ("No display found (DISPLAY/WAYLAND_DISPLAY unset): starting the headless service instead.\n"
                      "Run with a desktop session for the window, or pass --headless to skip this message.")
        else:
            try:
                from desktop.ui.app import run_gui
            except ImportError as exc:
                notice = f"The window cannot start here ({exc}); starting the headless service instead."
            else:
                setup_logging(directory, args.verbose, stderr=args.verbose)
                return run_gui(data_dir=directory, backend_url=args.backend_url)
    setup_logging(directory, args.verbose)
    from desktop.service import headless

    return asyncio.run(headless(directory, args.backend_url, notice))


# ── login / logout ────────────────────────────────────────────────────────
def _login(args: argparse.Namespace, directory: Path) -> int:
    from agents.settings import BACKEND_URL
    from bridge import credentials
    from bridge.endpoint import validate_backend_url

    url = args.backend_url
    if url:
        from agents.errors import ConfigError

        try:
            url = validate_backend_url(url)
        except ConfigError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return EXIT_USAGE
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("Device token: ")
    else:
        token = sys.stdin.readline()
    try:
        token = credentials.check_token(token)  # never echoed: the message says what is wrong, not the token
    except credentials.BadToken as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        credentials.set_token(token)
    except credentials.CredentialsUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if url:
        asyncio.run(_save_setting(directory, BACKEND_URL, url))
    print("Signed in: the token is in the OS keyring." + (f" Backend: {url}" if url else ""))
    return EXIT_OK


def _logout() -> int:
    from bridge import credentials

    try:
        removed = credentials.delete_token()
    except credentials.CredentialsUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print("Signed out." if removed else "There was no token to remove.")
    return EXIT_OK


async def _save_setting(directory: Path, key: str, value: Any) -> None:
    from agents.store import DB_FILENAME, Store

    store = await Store.open(directory / DB_FILENAME)
    try:
        await store.set_setting(key, value)
    finally:
        await store.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
