"""``adiuva-companion mcp [--http [HOST:]PORT]``: the sub-command (runs its own asyncio loop).

Without ``--http`` the door serves one client over stdin/stdout (what Claude
Desktop, VS Code and Cursor spawn); nothing but MCP messages goes to stdout.
With ``--http`` it serves Streamable HTTP on a loopback address and prints
the URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``mcp`` on the CLI's sub-commands."""
    p = sub.add_parser("mcp", parents=[common],
                       help="serve the tools to local AI apps over MCP (stdio, or --http on loopback)")
    p.add_argument("--http", metavar="[HOST:]PORT",
                   help="serve Streamable HTTP on a loopback address instead of stdio (port 0: any free port)")


def main(args: argparse.Namespace, data_dir: Path) -> int:
    if args.http is None:
        from bridge.mcp_door.server import serve_stdio

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_stdio(data_dir))
        return 0
    from bridge.mcp_door.http import parse_listen, serve_http

    try:
        host, port = parse_listen(args.http)
    except ValueError as exc:
        print(f"error: --http {args.http}: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve_http(data_dir, host, port))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    return 0
