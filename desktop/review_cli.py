"""``adiuva-companion review …``: the review queue from the terminal, set-based and undoable.

    review list [--kind K] [--agent A] [--run R] [--source PATH] [--rejected] [--limit N] [--json]
    review approve ID… | --all | --run RUN | --source PATH   (--kind/--agent narrow any of them)
    review reject  ID… | --all | --run RUN | --source PATH
    review restore ID… | --all                               (rejected suggestions back to the queue)
    review undo                                              (the newest decision not undone yet)

Each decision is one ``agents.review`` batch: one transaction of set-based
statements, whatever its size. An unknown id is ``not_found`` and changes
nothing. Times are printed in local time. Runs on its own asyncio loop
(``asyncio.run`` from ``desktop.cli``); no Qt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the core is imported when a review command runs, not when the parser is built
    from agents.review_query import Selection
    from agents.store import Store

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
KINDS = ("projects", "tasks", "timelines", "notes")
KIND_ALIASES = {**{k: k for k in KINDS}, **{k[:-1]: k for k in KINDS}, "milestones": "timelines",
                "milestone": "timelines"}


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``review`` and its actions on the main parser's sub-commands."""
    parser = sub.add_parser("review", parents=[common], help="list, approve, reject, restore suggestions; undo")
    actions = parser.add_subparsers(dest="review_command", metavar="ACTION", required=True)

    def filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kind", help="projects, tasks, milestones or notes")
        p.add_argument("--agent", help="only suggestions from this agent's runs")
        p.add_argument("--run", help="only suggestions from this run id")
        p.add_argument("--source", help="only suggestions from this file or folder")
        p.add_argument("--json", action="store_true")

    p = actions.add_parser("list", parents=[common], help="suggestions waiting (or --rejected)")
    filters(p)
    p.add_argument("--rejected", action="store_true", help="the rejected suggestions instead")
    p.add_argument("--search", default="", help="only titles containing this text")
    p.add_argument("--limit", type=int, default=100)
    for name, helptext in (("approve", "approve suggestions"), ("reject", "reject suggestions (undoable)"),
                           ("restore", "bring rejected suggestions back")):
        p = actions.add_parser(name, parents=[common], help=helptext)
        p.add_argument("ids", nargs="*", metavar="ID")
        p.add_argument("--all", action="store_true", help="every suggestion matching the other options")
        filters(p)
    p = actions.add_parser("undo", parents=[common], help="undo the newest review decision")
    p.add_argument("--json", action="store_true")


def _selection(args: argparse.Namespace, state: str) -> Selection:
    from agents.errors import InvalidReviewRequest
    from agents.review_query import Selection

    kind = None
    if args.kind:
        kind = KIND_ALIASES.get(args.kind.lower())
        if kind is None:
            raise InvalidReviewRequest(f"--kind {args.kind!r} is not one of projects, tasks, milestones, notes")
    return Selection(state=state, kind=kind, agent=args.agent, run_id=args.run,
                     source=str(Path(args.source).expanduser().absolute()) if args.source else None,
                     search=getattr(args, "search", "") or "")


def local(text: str | None) -> str:
    """A stored UTC time as local time, ``2026-11-30 19:05``."""
    from agents.store import parse_iso

    moment = parse_iso(text)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


async def dispatch(args: argparse.Namespace, directory: Path) -> int:
    from agents.errors import InvalidReviewRequest, ReviewError
    from agents.store import DB_FILENAME, Store
    from desktop.output import print_json

    store = await Store.open(directory / DB_FILENAME)
    try:
        return await _dispatch(args, store, print_json)
    except ReviewError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, InvalidReviewRequest) else EXIT_ERROR
    finally:
        await store.close()


async def _dispatch(args: argparse.Namespace, store: Store, print_json: Any) -> int:
    from agents import review_query
    from agents.review import Review

    action = args.review_command
    review = Review(store=store)
    if action == "list":
        sel = _selection(args, "rejected" if args.rejected else "waiting")
        rows = await review_query.page(store, sel, limit=max(1, args.limit))
        total = sum((await review_query.counts(store, sel)).values())
        if args.json:
            print_json({"total": total, "items": [_item(r) for r in rows]})
            return EXIT_OK
        if not rows:
            print("Nothing rejected." if args.rejected else "Nothing waits for review.")
            return EXIT_OK
        for r in rows:
            print(f"{r['id']}  {local(r['created_at'])}  {r['kind'][:-1]:<8} {r['title'][:60]:<60}  "
                  f"{r.get('project_name') or '-':<20} {r.get('agent_name') or 'backend'}")
        if total > len(rows):
            print(f"… {total - len(rows)} more (--limit, or narrow with --kind/--agent/--source)")
        return EXIT_OK
    if action == "undo":
        batch = await review.undo()
        if batch is None:
            print("Nothing to undo.")
            return EXIT_OK
        if args.json:
            print_json({"undone": batch.id, "action": batch.action, "count": batch.count})
        else:
            print(f"Undid: {batch.describe().lower()} (made {local(batch.created_at)}).")
        return EXIT_OK
    state = "rejected" if action == "restore" else "waiting"
    sel = _selection(args, state)
    if args.ids and args.all:
        print("error: give IDs or --all, not both", file=sys.stderr)
        return EXIT_USAGE
    if args.ids:
        sel = sel.with_(ids=tuple(args.ids))
    elif not (args.all or args.run or args.source):
        more = "" if action == "restore" else ", --run RUN or --source PATH"
        print(f"error: say which suggestions: IDs, --all{more}", file=sys.stderr)
        return EXIT_USAGE
    batch = await review.decide(action, sel)
    if args.json:
        print_json({"batch": batch.id, "action": batch.action, "count": batch.count, "by_kind": dict(batch.by_kind)})
    elif batch.count:
        print(f"{batch.describe()}. Undo with: adiuva-companion review undo")
    else:
        print("Nothing matched; nothing changed.")
    return EXIT_OK


def _item(row: dict[str, Any]) -> dict[str, Any]:
    from agents.store import parse_iso

    created = parse_iso(row.get("created_at"))
    rejected = parse_iso(row.get("rejected_at"))
    return {
        "id": row["id"], "kind": row["kind"], "title": row["title"], "project": row.get("project_name"),
        "agent": row.get("agent_name"), "run_id": row.get("run_id"), "source_path": row.get("source_path"),
        "created_at": created.astimezone().isoformat(timespec="seconds") if created else None,
        "rejected_at": rejected.astimezone().isoformat(timespec="seconds") if rejected else None,
    }
