"""Run every benchmark, each in its own subprocess, and print one table.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--no-write] [--quick]

Each benchmark runs as ``python bench/<name>.py`` and measures ours beside its
floor or peer in the same run. Scripts that take ``--json`` end with one JSON
line (``{"bench": ..., "rows": [...]}``); for the others their printed
summary lines are parsed. Their own output is echoed as they finish, then the
table: figure, ours, floor or peer, ratio, goal, met.

The table (with the command and the machine) replaces the "## Benchmark
table" section of ``docs/PERFORMANCE.md`` unless ``--no-write``; other
sections (e.g. "## Footprint", which ``bench/footprint.py`` writes itself)
are kept. Exit status: 1 if a benchmark crashed or printed nothing usable,
else 0 (unmet goals are reported in the table, not as a failure).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "PERFORMANCE.md"
SECTION = "## Benchmark table"
TIMEOUT = 1200


@dataclass
class Row:
    figure: str
    ours: str
    peer: str
    ratio: str
    goal: str
    met: bool | None

    @property
    def met_text(self) -> str:
        return "—" if self.met is None else "yes" if self.met else "NO"


@dataclass
class Bench:
    name: str
    argv: list[str]
    parse: Callable[[str], list[Row]]
    quick_argv: list[str] = field(default_factory=list)
    ok_codes: tuple[int, ...] = (0,)
    no_write_argv: list[str] = field(default_factory=list)  # added when the docs are not to be written


def _num(text: str) -> float:
    return float(text.replace(",", "").strip())


def _json_rows(output: str) -> list[dict[str, Any]] | None:
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{") and '"rows"' in line:
            return json.loads(line)["rows"]
    return None


def from_json(output: str) -> list[Row]:
    rows = _json_rows(output)
    if rows is None:
        raise ValueError("no JSON line")
    out = []
    for r in rows:
        unit = r.get("unit", "")
        peer = f"{r['peer']:,.0f} {unit} ({r['peer_label']})" if r.get("peer") is not None else \
            f"skipped: {r.get('note', 'not measured')}"
        ratio = f"{r['ratio']:.2f}×" if r.get("ratio") is not None else "—"
        out.append(Row(r["figure"], f"{r['ours']:,.0f} {unit}", peer, ratio, r["goal"], r.get("met")))
    return out


def parse_roundtrip(output: str) -> list[Row]:
    if _json_rows(output) is not None:
        return from_json(output)
    out = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 5 and re.match(r"(list_tasks|create_task), ", cells[0]):
            ours, floor, ratio = _num(cells[1]), _num(cells[2]), _num(cells[3])
            out.append(Row(f"bridge round trip, {cells[0]}", f"{ours:,.0f} calls/s",
                           f"{floor:,.0f} calls/s (bare websockets floor)", f"{ratio:.2f}×", "≥ 0.5 × floor",
                           "NOT" not in cells[4]))
    if not out:
        raise ValueError("no table rows")
    return out


def parse_bridge_floor(output: str) -> list[Row]:
    out = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 5 and re.match(r"(list_tasks|create_task), ", cells[0]):
            ours, floor, ratio = _num(cells[1]), _num(cells[2]), _num(cells[3])
            out.append(Row(f"bridge vs SQL floor, {cells[0]}", f"{ours:,.0f} calls/s",
                           f"{floor:,.0f} calls/s (websockets + same SQL, group commit)", f"{ratio:.2f}×",
                           "≥ 0.6 × floor", "NOT" not in cells[4]))
    if not out:
        raise ValueError("no table rows")
    return out


def parse_dirscan(output: str) -> list[Row]:
    """``[tree] ours: X ms for N entries`` / ``[tree] floor: Y ms`` / ``[tree] ratio: R x (goal <= G x)``."""
    if _json_rows(output) is not None:
        return from_json(output)
    out = []
    for m in re.finditer(r"^\[(\S+)\] ours:\s+([\d.]+) ms for (\d+) entries.*\n\[\1\] floor:\s+([\d.]+) ms.*\n"
                         r"\[\1\] ratio:\s+[\d.]+x \(goal <= ([\d.]+)x\)", output, re.MULTILINE):
        o, f, goal = float(m.group(2)), float(m.group(4)), float(m.group(5))
        out.append(Row(f"list_directory recursive, {m.group(1)} tree, {int(m.group(3)):,} entries", f"{o:.1f} ms",
                       f"{f:.1f} ms (os.walk + os.stat)", f"{o / f:.2f}×", f"≤ {goal:g} × floor", o / f <= goal))
    if not out:
        raise ValueError("no ours/floor lines")
    return out


def parse_agent_run(output: str) -> list[Row]:
    """The first run beside read+extract, the unchanged rerun beside read+stat (goals as printed)."""
    if _json_rows(output) is not None:
        return from_json(output)
    first = re.search(r"over (\d+) files .*?first run (\d+) ms .*?floor read\+extract (\d+) ms, ratio ([\d.]+)x, "
                      r"goal <= ([\d.]+)x", output)
    again = re.search(r"unchanged rerun (\d+) ms .*?floor read\+stat (\d+) ms, ratio ([\d.]+)x, goal <= ([\d.]+)x",
                      output)
    if not first:
        raise ValueError("no summary line")
    o, f, ratio, goal = int(first.group(2)), int(first.group(3)), float(first.group(4)), float(first.group(5))
    rows = [Row(f"rules agent run, {int(first.group(1)):,} files", f"{o} ms", f"{f} ms (read + extract every file)",
                f"{ratio:.2f}×", f"≤ {goal:g} × floor", ratio <= goal)]
    if again:
        a, fa, ratio_a, goal_a = int(again.group(1)), int(again.group(2)), float(again.group(3)), float(again.group(4))
        rows.append(Row("  the next run, no file changed", f"{a} ms", f"{fa} ms (read + stat every file)",
                        f"{ratio_a:.2f}×", f"≤ {goal_a:g} × floor", ratio_a <= goal_a))
    return rows


def parse_footprint(output: str) -> list[Row]:
    if _json_rows(output) is not None:
        return from_json(output)
    out = []
    start = re.search(r"^time to window shown\s+([\d.]+) s\s+([\d.]+) s\s+([+-][\d.]+) s", output, re.MULTILINE)
    rss = re.search(r"^(RSS after \S+ s idle)\s+([\d.]+) MB\s+([\d.]+) MB\s+([+-][\d.]+) MB", output, re.MULTILINE)
    if start:
        d = float(start.group(3))
        out.append(Row("app start to window shown", f"{start.group(1)} s", f"{start.group(2)} s (bare PySide6)",
                       f"{d:+.2f} s", "≤ bare + 0.5 s", d <= 0.5))
    if rss:
        d = float(rss.group(4))
        out.append(Row(f"app {rss.group(1)}", f"{rss.group(2)} MB", f"{rss.group(3)} MB (bare PySide6)",
                       f"{d:+.1f} MB", "≤ bare + 40 MB", d <= 40))
    wake = re.search(r"^wake-ups per second idle \(\S+ s\)\s+([\d.]+)\s+([\d.]+)", output, re.MULTILINE)
    if wake:
        out.append(Row("app wake-ups per second, idle", wake.group(1), f"{wake.group(2)} (bare PySide6)", "—",
                       "≤ 2 per s", float(wake.group(1)) <= 2))
    if not out:
        raise ValueError("no footprint rows")
    return out


BENCHES = [
    Bench("bridge_roundtrip", ["bench/bridge_roundtrip.py"], parse_roundtrip, ["--calls", "300"]),
    Bench("bridge_floor", ["bench/bridge_floor.py"], parse_bridge_floor, ["--calls", "300"]),
    Bench("mcp_compare", ["bench/mcp_compare.py", "--json"], from_json, ["--calls", "300", "--mcp-calls", "200"]),
    Bench("mcp_door", ["bench/mcp_door.py", "--json"], from_json, ["--calls", "100", "--tree-calls", "2"]),
    Bench("mcp_race", ["bench/mcp_race.py", "--json"], from_json, ["--seconds", "3"], ok_codes=(0, 1)),
    Bench("dirscan", ["bench/dirscan.py"], parse_dirscan),
    Bench("journal_write", ["bench/journal_write.py", "--json"], from_json, ["--writes", "300", "--rounds", "2"]),
    Bench("agent_run", ["bench/agent_run.py"], parse_agent_run, ["--files", "200"]),
    Bench("extract_formats", ["bench/extract_formats.py", "--json"], from_json, ["--mb", "0.2", "--rounds", "2"]),
    Bench("review_volume", ["bench/review_volume.py", "--json"], from_json, ["--suggestions", "20000"]),
    Bench("gui_loop", ["bench/gui_loop.py", "--json"], from_json, ["--files", "5000"]),
    Bench("bridge_loop_lag", ["bench/bridge_loop_lag.py", "--json"], from_json, ["--seconds", "2", "--idle", "1"]),
    # footprint exits 1 when a goal is not met; it writes its own "## Footprint" section, with a row
    # for the app with a backend URL set (nothing listens there: the client dials and backs off)
    Bench("footprint", ["bench/footprint.py", "--backend-url", "ws://127.0.0.1:9/device"], parse_footprint,
          ["--runs", "1", "--idle", "1"], ok_codes=(0, 1),
          no_write_argv=["--no-write"]),
]


def run_one(bench: Bench, quick: bool, write: bool) -> tuple[list[Row], str, float]:
    script = REPO / bench.argv[0]
    if not script.exists():
        return [Row(bench.name, "—", "—", "—", "—", None)], f"{bench.argv[0]} is not present: skipped", 0.0
    argv = [sys.executable, *bench.argv, *(bench.quick_argv if quick else []),
            *(bench.no_write_argv if quick or not write else [])]
    began = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in ("ADIUVA_BACKEND_URL", "ADIUVA_DEVICE_TOKEN")}
    try:
        proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{bench.name}: no result within {TIMEOUT} s") from None
    seconds = time.monotonic() - began
    output = proc.stdout + (("\n" + proc.stderr) if proc.stderr.strip() else "")
    if proc.returncode not in bench.ok_codes:
        raise RuntimeError(f"{bench.name} exited {proc.returncode}:\n{output[-3000:]}")
    try:
        return bench.parse(proc.stdout), output, seconds
    except (ValueError, KeyError) as exc:
        raise RuntimeError(f"{bench.name}: cannot read its output ({exc}):\n{output[-3000:]}") from None


def table(rows: list[Row]) -> str:
    header = ("figure", "ours", "floor or peer", "ratio", "goal", "met")
    cells = [header, *((r.figure, r.ours, r.peer, r.ratio, r.goal, r.met_text) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = [" | ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip() for c in cells]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPUs ({cpu}), {system}, Python {platform.python_version()}"


def write_section(text: str, command: str) -> None:
    section = (
        f"{SECTION}\n\n"
        f"`{command}` (runs `bench/run_all.py`: every benchmark in its own subprocess, each against its floor "
        f"or peer in the same run). Recorded {time.strftime('%Y-%m-%d')} on {machine()}.\n\n"
        "```\n" + text + "\n```\n"
    )
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _m: section + "\n", old, count=1).rstrip("\n") + "\n"
    else:  # right after the title, before the other sections
        head, sep, rest = old.partition("\n## ")
        new = head.rstrip("\n") + "\n\n" + section + ("\n## " + rest if sep else "")
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHES], help="run only these")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run (not for the record)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/PERFORMANCE.md")
    args = parser.parse_args()
    rows: list[Row] = []
    failed = []
    began = time.monotonic()
    for bench in BENCHES:
        if args.only and bench.name not in args.only:
            continue
        print(f"== {bench.name}: {' '.join(bench.argv)}", flush=True)
        try:
            bench_rows, output, seconds = run_one(bench, args.quick, write=not args.no_write and not args.only)
        except RuntimeError as exc:
            print(f"   FAILED: {exc}", flush=True)
            failed.append(bench.name)
            rows.append(Row(bench.name, "failed", "—", "—", "—", False))
            continue
        print("\n".join(f"   {line}" for line in output.strip().splitlines()), flush=True)
        print(f"   ({seconds:.1f} s)", flush=True)
        rows.extend(bench_rows)
    text = table(rows)
    met = [r.met for r in rows if r.met is not None]
    summary = f"goals met: {sum(met)} of {len(met)}" + (f"; failed: {', '.join(failed)}" if failed else "")
    print(f"\n{text}\n\n{summary}; {time.monotonic() - began:.0f} s in all")
    if not args.no_write and not args.only and not args.quick:
        write_section(text + "\n\n" + summary, "make bench")
        print(f"written to {DOC.relative_to(REPO)} ({SECTION[3:]})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
