"""What every CLI command shares: exit codes, JSON output and the one-line ``error:`` report.

Imported by ``desktop.cli``, the command modules and the headless service; it imports no other
``desktop`` module, so none of them import each other through it. Runs on the caller's thread.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

log = logging.getLogger("desktop.cli")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def fail(exc: BaseException, prefix: str = "") -> int:
    """Say ``error: <prefix><what went wrong>`` in one line; the traceback goes to the debug log only."""
    import errno

    from agents.errors import AdiuvaError

    if isinstance(exc, AdiuvaError | RuntimeError):
        text = str(exc)
    elif isinstance(exc, OSError):
        text = f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
    else:
        text = f"{type(exc).__name__}: {exc}"
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in text or "No space" in text:
        text += " (free some disk space)"
    print(f"error: {prefix}{' '.join(text.split())}", file=sys.stderr, flush=True)
    log.debug("cli.failed", exc_info=exc)
    return EXIT_ERROR
