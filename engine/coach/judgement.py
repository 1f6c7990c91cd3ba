"""Blind side-by-side judgement of two answer modes on held-out questions (issue #20's second measure).

`python -m engine coach-judgement sheet` takes the answers `eval coach` saved (artifacts/coach/eval.json),
picks N held-out questions with a fixed seed, and writes for each a question with answers "A" and "B", the two
modes shuffled per question by a seeded coin: sheet.md (the rubric, then the questions; the judge sees only
this) and key.json (which mode is A, kept apart). The judge writes one line per question, `7: A`, `7: B` or
`7: tie`, optionally followed by a reason. `coach-judgement record FILE` checks the verdicts (every question
once, nothing else), un-blinds them with the key and saves the tally; `eval coach` then reports it, and it
has a say in the default mode: where retrieval+gpt wins on similarity but loses the judgement, the default
stays retrieval.

The key carries a fingerprint of the judged answers: verdicts on answers that have since changed (a new
model, a new corpus) are reported as stale and ignored.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from engine.coach import paths

QUESTIONS = 50
SEED = 20
BASELINE, CHALLENGER = "retrieval", "retrieval+gpt"
FOLDER = "judgement"
SHEET_FILE, KEY_FILE, RESULT_FILE = "sheet.md", "key.json", "judgement.json"

RUBRIC = """\
You are judging two answers to a question a job seeker asked an interview coach. Pick the answer that better
serves that job seeker. Weigh, in this order:

1. **Answers the question asked**: on topic, about what was asked (not a neighbouring question).
2. **Correct**: nothing false or misleading. A factual error outweighs any amount of style.
3. **Useful**: concrete advice, a correct explanation or an example the candidate can use in an interview.
4. **Readable**: whole, coherent sentences; no repetition; no text that belongs to another question; not cut off.

Length alone is not a merit. Answer "tie" only when neither answer is better on any point above (both equally
good, or both equally useless). Judge each question on its own; the answers do not come from the same side
every time."""


class VerdictError(ValueError):
    """Verdicts that do not match the sheet: the message says which lines and why."""


@dataclass(frozen=True)
class Item:
    number: int
    question: str
    a: str
    b: str


def folder() -> Path:
    return paths.artifacts() / FOLDER


def fingerprint(rows: list[dict]) -> str:
    """Identifies the judged answers: the same questions answered the same way give the same fingerprint."""
    digest = hashlib.sha256()
    for row in rows:
        for part in (row["id"], row["answers"][BASELINE], row["answers"][CHALLENGER]):
            digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def chosen_rows(evaluation: dict, n: int = QUESTIONS, seed: int = SEED) -> list[dict]:
    """n held-out questions of an `eval coach` result, sampled with a fixed seed, in the order evaluated."""
    rows = [r for r in evaluation.get("questions", []) if CHALLENGER in r.get("answers", {})]
    if not rows:
        raise ValueError("the saved evaluation holds no retrieval+gpt answers: train the GPT, then run "
                         "`python -m engine eval coach`")
    picked = sorted(random.Random(seed).sample(range(len(rows)), min(n, len(rows))))
    return [rows[i] for i in picked]


def make_sheet(evaluation: dict, n: int = QUESTIONS, seed: int = SEED) -> tuple[list[Item], dict]:
    """The blind items and their key (per item, which mode is A and which is B)."""
    rows = chosen_rows(evaluation, n, seed)
    coin = random.Random(seed + 1)
    items, sides = [], {}
    for number, row in enumerate(rows, 1):
        a, b = (BASELINE, CHALLENGER) if coin.random() < 0.5 else (CHALLENGER, BASELINE)
        items.append(Item(number, row["question"], row["answers"][a], row["answers"][b]))
        sides[str(number)] = {"A": a, "B": b, "id": row["id"]}
    return items, {"fingerprint": fingerprint(rows), "seed": seed, "questions": len(items), "sides": sides}


def sheet_markdown(items: list[Item]) -> str:
    parts = ["# Blind judgement of interview-coach answers", "", "## Rubric", "", RUBRIC, "",
             "## How to answer", "", "One line per question: `NUMBER: A`, `NUMBER: B` or `NUMBER: tie`, optionally "
             "followed by ` - a short reason`.", ""]
    for item in items:
        parts += [f"## Question {item.number}", "", f"**Question:** {item.question}", "",
                  f"**A:** {item.a or '(no answer)'}", "", f"**B:** {item.b or '(no answer)'}", ""]
    return "\n".join(parts)


def write_sheet(evaluation: dict, out: Path | None = None, n: int = QUESTIONS) -> Path:
    """Writes sheet.md and key.json; returns the folder."""
    out = Path(out or folder())
    out.mkdir(parents=True, exist_ok=True)
    items, key = make_sheet(evaluation, n)
    (out / SHEET_FILE).write_text(sheet_markdown(items))
    (out / KEY_FILE).write_text(json.dumps(key, indent=1) + "\n")
    (out / RESULT_FILE).unlink(missing_ok=True)       # verdicts belong to the sheet they were given on
    return out


_LINE = re.compile(r"^\s*(?:question\s*)?(\d+)\s*[:.)-]\s*(A|B|tie)\b(.*)$", re.IGNORECASE)


def parse_verdicts(text: str, questions: int) -> dict[int, dict]:
    """{number: {"verdict": "A"|"B"|"tie", "reason": str}} from the judge's lines; blank lines and lines
    starting with # are skipped. Raises VerdictError on anything else, a repeated or unknown number, or a
    missing one."""
    found: dict[int, dict] = {}
    problems = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            problems.append(f"line {lineno}: expected `NUMBER: A|B|tie`, got {line.strip()[:60]!r}")
            continue
        number, verdict = int(match[1]), match[2].upper() if match[2].lower() != "tie" else "tie"
        if not 1 <= number <= questions:
            problems.append(f"line {lineno}: there is no question {number} (the sheet has 1-{questions})")
        elif number in found:
            problems.append(f"line {lineno}: question {number} was already judged")
        else:
            found[number] = {"verdict": verdict, "reason": match[3].strip(" -–:")}
    missing = [n for n in range(1, questions + 1) if n not in found]
    if missing:
        problems.append(f"no verdict for question(s) {', '.join(map(str, missing[:10]))}"
                        + (" ..." if len(missing) > 10 else ""))
    if problems:
        raise VerdictError("; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    return found


def tally(key: dict, verdicts: dict[int, dict]) -> dict:
    """Un-blinds the verdicts: how often each mode was preferred, and whether the challenger (retrieval+gpt)
    was preferred on at least half the questions."""
    preferred = {BASELINE: 0, CHALLENGER: 0, "tie": 0}
    per_question = []
    for number, v in sorted(verdicts.items()):
        side = key["sides"][str(number)]
        winner = "tie" if v["verdict"] == "tie" else side[v["verdict"]]
        preferred[winner] += 1
        per_question.append({"number": number, "id": side["id"], "preferred": winner, "reason": v["reason"]})
    n = len(verdicts)
    return {"questions": n, "seed": key["seed"], "fingerprint": key["fingerprint"], "preferred": preferred,
            "challenger": CHALLENGER, "baseline": BASELINE,
            "challenger_preferred_share": round(preferred[CHALLENGER] / n, 3) if n else 0.0,
            "challenger_wins": n > 0 and preferred[CHALLENGER] * 2 >= n,
            "per_question": per_question}


def record(verdicts_file: Path, out: Path | None = None) -> dict:
    """Checks the judge's verdicts against the sheet's key, saves and returns the tally."""
    out = Path(out or folder())
    key_path = out / KEY_FILE
    if not key_path.is_file():
        raise FileNotFoundError(f"no judgement sheet in {out}: run `python -m engine coach-judgement sheet` first")
    key = json.loads(key_path.read_text())
    result = tally(key, parse_verdicts(Path(verdicts_file).read_text(), key["questions"]))
    result["rubric"] = RUBRIC
    (out / RESULT_FILE).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return result


def saved(rows: list[dict], out: Path | None = None) -> dict | None:
    """The recorded judgement when it was made on exactly these answers (the same questions sampled from
    rows, answered the same way); a short 'stale' record when the answers changed since; None when none."""
    path = Path(out or folder()) / RESULT_FILE
    if not path.is_file():
        return None
    result = json.loads(path.read_text())
    try:
        current = fingerprint(chosen_rows({"questions": rows}, result["questions"], result.get("seed", SEED)))
    except ValueError:
        current = None
    if current != result.get("fingerprint"):
        return {"stale": True, "reason": "the answers changed since the judgement; make a new sheet and judge again"}
    return {k: v for k, v in result.items() if k != "rubric"}


def choose_mode(similarity: dict[str, float], judgement: dict | None,
                beyond_question: dict[str, float] | None = None) -> str:
    """The default answer mode: the best by similarity, except that a GPT mode gives way to retrieval where
    retrieval+gpt lost the blind judgement, or where it does not also beat retrieval on similarity beyond
    the question (evaluate.beyond_question: its lead came from echoing the question)."""
    best = max(similarity, key=similarity.get)
    if best != BASELINE and judgement and not judgement.get("stale") and not judgement["challenger_wins"]:
        return BASELINE
    if best != BASELINE and beyond_question and beyond_question[best] <= beyond_question[BASELINE]:
        return BASELINE
    return best
