"""The blind side-by-side judgement: the sheet hides which mode wrote which answer, the key un-blinds the
verdicts, bad verdict files are refused with the reason, verdicts on changed answers are stale, and a GPT
mode that loses the judgement is not the default."""
from __future__ import annotations

import json
import re

import pytest

from engine.cli import main
from engine.coach import judgement, paths
from engine.coach.judgement import BASELINE, CHALLENGER, VerdictError


def evaluation(n: int = 80, suffix: str = "") -> dict:
    return {"questions": [{"id": f"q{i}", "question": f"Question {i}?",
                           "answers": {BASELINE: f"corpus answer {i}", CHALLENGER: f"written answer {i}{suffix}",
                                       "gpt": f"plain {i}"}} for i in range(n)]}


def mode_of(item, side: str) -> str:
    return BASELINE if getattr(item, side).startswith("corpus") else CHALLENGER


def test_the_sheet_hides_the_modes_and_the_key_unblinds_them():
    items, key = judgement.make_sheet(evaluation(), n=50)
    assert len(items) == 50 == key["questions"]
    assert len({item.question for item in items}) == 50
    a_modes = [mode_of(item, "a") for item in items]
    assert 10 < a_modes.count(BASELINE) < 40                  # the coin puts each mode on both sides
    for item in items:
        assert key["sides"][str(item.number)] == {"A": mode_of(item, "a"), "B": mode_of(item, "b"),
                                                  "id": f"q{item.question.split()[1].rstrip('?')}"}
    sheet = judgement.sheet_markdown(items)
    assert judgement.RUBRIC in sheet
    assert BASELINE not in sheet.replace(judgement.RUBRIC, "") and "gpt" not in sheet.lower()
    assert judgement.make_sheet(evaluation(), n=50) == (items, key)          # the same sheet every time


def test_verdicts_are_unblinded_and_tallied():
    items, key = judgement.make_sheet(evaluation(), n=4)
    lines = []
    for item in items:                              # prefer the written answer on 3, tie on the last
        side = "A" if mode_of(item, "a") == CHALLENGER else "B"
        lines.append(f"{item.number}: {side} - reads well" if item.number < 4 else f"{item.number}: tie")
    result = judgement.tally(key, judgement.parse_verdicts("\n".join(lines), 4))
    assert result["preferred"] == {BASELINE: 0, CHALLENGER: 3, "tie": 1}
    assert result["challenger_preferred_share"] == 0.75 and result["challenger_wins"]
    assert result["per_question"][0]["reason"] == "reads well"
    lost = judgement.tally(key, judgement.parse_verdicts("1: tie\n2: tie\n3: tie\n4: tie", 4))
    assert not lost["challenger_wins"]                    # ties are not wins


@pytest.mark.parametrize("text, reason", [
    ("1: A\n2: B", "no verdict for question(s) 3"),
    ("1: A\n1: B\n2: A\n3: A", "question 1 was already judged"),
    ("1: A\n2: B\n3: A\n4: B", "there is no question 4"),
    ("1: A\n2: maybe\n3: B", "expected `NUMBER: A|B|tie`"),
    ("\x00\x01 binary junk " * 500, "expected `NUMBER: A|B|tie`"),
    ("", "no verdict for question(s) 1, 2, 3"),
])
def test_bad_verdict_files_are_refused_with_the_reason(text, reason):
    with pytest.raises(VerdictError, match=re.escape(reason)):
        judgement.parse_verdicts(text, 3)


def test_verdict_lines_in_the_usual_shapes_are_read():
    found = judgement.parse_verdicts("# my verdicts\n\nQuestion 1: a\n2. TIE (both vague)\n3) b - wrong fact", 3)
    assert [found[n]["verdict"] for n in (1, 2, 3)] == ["A", "tie", "B"]


def test_a_judgement_counts_only_for_the_answers_it_was_made_on(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    judged = evaluation()
    (paths.artifacts() / "eval.json").write_text(json.dumps(judged))
    assert main(["coach-judgement", "sheet", "--questions", "6"]) == 0
    sheet = (judgement.folder() / judgement.SHEET_FILE).read_text()
    assert sheet.count("## Question ") == 6
    verdicts = tmp_path / "verdicts.txt"
    verdicts.write_text("\n".join(f"{n}: A" for n in range(1, 7)))
    assert main(["coach-judgement", "record", str(verdicts)]) == 0
    current = judgement.saved(judged["questions"])
    assert current["questions"] == 6 and sum(current["preferred"].values()) == 6
    assert judgement.saved(evaluation(suffix=" (a new model)")["questions"])["stale"]


def test_recording_refuses_a_file_that_does_not_match_the_sheet(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    verdicts = tmp_path / "verdicts.txt"
    verdicts.write_text("1: A\n")
    assert main(["coach-judgement", "record", str(verdicts)]) != 0            # no sheet yet
    assert "coach-judgement sheet" in capsys.readouterr().err
    (paths.artifacts() / "eval.json").write_text(json.dumps(evaluation()))
    assert main(["coach-judgement", "sheet", "--questions", "3"]) == 0
    assert main(["coach-judgement", "record", str(verdicts)]) != 0
    assert "no verdict for question(s) 2, 3" in capsys.readouterr().err
    assert not (judgement.folder() / judgement.RESULT_FILE).exists()


def test_a_gpt_mode_that_loses_the_judgement_is_not_the_default():
    similarity = {BASELINE: 0.39, CHALLENGER: 0.41, "gpt": 0.2}
    assert judgement.choose_mode(similarity, None) == CHALLENGER
    assert judgement.choose_mode(similarity, {"challenger_wins": True}) == CHALLENGER
    assert judgement.choose_mode(similarity, {"challenger_wins": False}) == BASELINE
    assert judgement.choose_mode(similarity, {"stale": True, "reason": "changed"}) == CHALLENGER
    assert judgement.choose_mode({BASELINE: 0.5, CHALLENGER: 0.4}, {"challenger_wins": True}) == BASELINE


def test_a_gpt_mode_whose_lead_comes_from_echoing_the_question_is_not_the_default():
    similarity = {BASELINE: 0.41, CHALLENGER: 0.45, "gpt": 0.3}
    assert judgement.choose_mode(similarity, None, {BASELINE: 0.25, CHALLENGER: 0.20, "gpt": 0.1}) == BASELINE
    assert judgement.choose_mode(similarity, None, {BASELINE: 0.25, CHALLENGER: 0.30, "gpt": 0.1}) == CHALLENGER


def test_similarity_beyond_the_question_puts_a_real_answer_ahead_of_echoes_of_the_question():
    import numpy as np

    from engine.coach import retrieval
    from engine.coach.evaluate import beyond_question

    question = "How do you handle a conflict with a coworker?"
    reference = ("When I have a conflict with a coworker, I talk to them privately, listen to their side, look for "
                 "the goal we share and agree on next steps; if we still disagree I bring in our manager.")
    echoes = ["I handle a conflict with a coworker by handling the conflict with my coworker.", question,
              "Situation: I had a conflict with a coworker. Action: I handled the conflict with a coworker."]
    answer = ("I ask for a private conversation, hear their view first, find what we both want and settle on a "
              "plan; when that fails I ask my manager to mediate.")
    q, ref, answers = retrieval.encode([question]), retrieval.encode([reference]), retrieval.encode([*echoes, answer])
    raw = answers @ ref[0]
    beyond = beyond_question(answers, np.repeat(ref, 4, axis=0), np.repeat(q, 4, axis=0))
    assert raw[0] > raw[3] and raw[1] > raw[3]             # echoes beat the real answer on plain similarity ...
    assert beyond[3] > max(beyond[:3])                     # ... the real answer leads beyond the question
    assert abs(beyond[1]) < 1e-6                           # the question itself scores nothing there
