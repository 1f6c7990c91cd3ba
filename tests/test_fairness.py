"""The bias audit: counterfactual name/gender swaps through the product's scoring, selection rates by group
and the four-fifths rule, the CLI's JSON and the Model Lab's Fairness tab."""
import json
from pathlib import Path

import pytest
from applications_fixtures import make_company, make_job, make_user

from engine import fairness
from engine import applications as A
from engine.anonymise import redact
from engine.cli import main


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    path = tmp_path / "artifacts"
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(path))
    return path


def test_faker_name_lists_cover_every_group():
    for locale in fairness.LOCALES:
        for gender in ("male", "female"):
            assert len(fairness.first_names(locale, gender)) >= 20, (locale, gender)


def test_non_latin_one_character_names_are_redacted():
    assert redact("Ms. 娜 led the team. 娜 wrote Python.", ["娜"]) == "[name] led the team. [name] wrote Python."


def test_selection_rates_and_the_four_fifths_rule(db):
    company = make_company(db, "Acme")
    rec = make_user(db, "rec@acme.test", "recruiter", "Rita Acme", company)
    jobs = [make_job(db, company, f"Role {i}") for i in range(4)]
    men = [make_user(db, f"m{i}@x.test", name=f"James Doe{i}") for i in range(4)]
    women = [make_user(db, f"f{i}@x.test", name=f"Mary Roe{i}") for i in range(4)]
    for who, picked in ((men, 4), (women, 2)):
        for i, person in enumerate(who):
            app = A.apply(db, person, jobs[i])["id"]
            A.change_status(db, rec, app, "under_review")
            if i < picked:
                A.change_status(db, rec, app, "accepted")
    result = fairness.selection_rates(db)
    assert result["by_group"] == {"female": {"applications": 4, "shortlisted": 2, "rate": 0.5},
                                  "male": {"applications": 4, "shortlisted": 4, "rate": 1.0}}
    assert (result["impact_ratio"], result["four_fifths_passed"]) == (0.5, False)
    assert "FAILS the four-fifths rule" in fairness.reading(dict(
        pairs=1, groups=["a", "b"], mean_abs_score_change=0, max_abs_score_change=0, max_rank_change_top10=0,
        passed=True, selection=result))


@pytest.mark.slow
def test_name_and_gender_swaps_do_not_move_the_product_score(db, artifacts, capsys):
    assert main(["eval", "fairness", "--json", "--profiles", "4"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pairs"] == 4 * 3 * 8
    assert report["mean_abs_score_change"] < fairness.GOAL_MEAN_ABS_CHANGE
    assert report["max_rank_change_top10"] <= fairness.GOAL_MAX_RANK_CHANGE and report["passed"]
    # the control: without the redaction the same swaps do move scores, so the audit can see a bias
    assert report["without_redaction"]["mean_abs_score_change"] > report["mean_abs_score_change"]
    assert json.loads((artifacts / "metrics" / "fairness.json").read_text())["pairs"] == report["pairs"]


def test_model_lab_shows_the_card_and_the_audit(artifacts, data_dir):
    from streamlit.testing.v1 import AppTest

    (artifacts / "metrics").mkdir(parents=True)
    report = {"pairs": 8, "groups": ["en_US/male", "en_US/female"], "mean_abs_score_change": 0.0012,
              "max_abs_score_change": 0.01, "max_rank_change_top10": 1, "passed": True, "model_version": "m@1",
              "goal": {"mean_abs_score_change_below": 0.01, "max_rank_change_top10_at_most": 3},
              "selection": {"by_group": {}, "impact_ratio": None, "four_fifths_passed": None}}
    report["reading"] = fairness.reading(report)
    fairness.write_metrics(report)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "model_lab.py"), default_timeout=60)
    at.run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Applicant fit ranking" in shown and "Never reads" in shown and "moved the fit score by 0.0012" in shown
    assert any(m.label.startswith("Mean score change") and m.value == "0.0012" for m in at.metric)
