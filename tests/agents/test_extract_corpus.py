"""The extraction on the real documents of the dev corpus (../shared/extraction-corpus), scored as the scorer does.

The corpus is read in place (never copied into the repository); the test skips
when it is absent. Only the text files are read here (.docx/.pdf copies need
the document readers). The figures are lower bounds a little under what the
rules reach (docs/EXTRACTION.md), so a regression on real documents fails.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from agents.extract import extract_text

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "extraction-corpus"
SCORER = ROOT.parent / "shared" / "tools" / "extraction_score.py"
TODAY = date(2026, 11, 30)

pytestmark = pytest.mark.skipif(not (CORPUS / "labels.json").exists() or not SCORER.exists(),
                                reason="../shared/extraction-corpus is not here")


def _scorer():
    spec = importlib.util.spec_from_file_location("extraction_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _f1(tp: int, predicted: int, gold: int) -> float:
    p = tp / predicted if predicted else 1.0
    r = tp / gold if gold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _score() -> dict[str, float]:
    sc = _scorer()
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))["files"]
    n = dict(gold_t=0, sug_t=0, tp_t=0, gold_m=0, sug_m=0, tp_m=0, date_ok=0, neg=0, noise=0)
    for name, lab in labels.items():
        if name.endswith((".docx", ".pdf")):
            continue
        text = (CORPUS / name).read_text(encoding="utf-8", errors="replace")
        found = extract_text(text, filename=name, reference_date=TODAY, today=TODAY)
        tasks = [t.title for t in found.tasks]
        ms = [(m.title, m.date) for m in found.milestones]
        mt = sc.match(tasks, lab["tasks"], lambda s, g: sc.token_set_ratio(s, g["text"]))
        mm = sc.match(ms, lab["milestones"], lambda s, g: sc.token_set_ratio(s[0], g["text"]),
                      tie=lambda s, g: s[1] == g["date"])
        n["gold_t"] += len(lab["tasks"])
        n["sug_t"] += len(tasks)
        n["tp_t"] += len(mt)
        n["gold_m"] += len(lab["milestones"])
        n["sug_m"] += len(ms)
        n["tp_m"] += len(mm)
        n["date_ok"] += sum(1 for i, j, _ in mm if ms[i][1] == lab["milestones"][j]["date"])
        if not lab["tasks"] and not lab["milestones"]:
            n["neg"] += 1
            n["noise"] += len(tasks) + len(ms)
    return {
        "task_f1": _f1(n["tp_t"], n["sug_t"], n["gold_t"]),
        "milestone_f1": _f1(n["tp_m"], n["sug_m"], n["gold_m"]),
        "date_acc": n["date_ok"] / n["tp_m"] if n["tp_m"] else 0.0,
        "neg_noise": n["noise"] / n["neg"] if n["neg"] else 0.0,
    }


def test_dev_corpus_figures_stay_above_their_floors():
    """On the dev corpus's text files: task F1 >= 0.95, milestone F1 >= 0.95, dates >= 0.95, noise <= 0.1."""
    score = _score()
    assert score["task_f1"] >= 0.95, score
    assert score["milestone_f1"] >= 0.95, score
    assert score["date_acc"] >= 0.95, score
    assert score["neg_noise"] <= 0.1, score
