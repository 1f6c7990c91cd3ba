"""Category classifier, fraud screening, offline evaluation and the Model Lab page, on tiny data.

Most tests replace the sentence encoder with a hashing embedding (fast, deterministic) because they test what
is built on top of the vectors; the one test marked slow runs the real MiniLM encoder."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from engine.datasets.generator import generate_jobs
from engine.recsys import catfeatures, classifier, embeddings, evaluate, fraud, lab


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    path = tmp_path / "artifacts"
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(path))
    monkeypatch.setenv("JOBEXPRESSWAY_SHARED_DATA", str(tmp_path / "no-shared-data"))
    # no shipped Job-Rec-v1 either: these tests are about the classifier on pretrained vectors
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(tmp_path / "no-shipped-models"))
    fraud._cache.clear()
    classifier._cache.clear()
    return path


def _hash_embed(texts, name=embeddings.PRETRAINED, show_progress=False, cache=True):
    from sklearn.feature_extraction.text import HashingVectorizer

    X = HashingVectorizer(n_features=384, alternate_sign=False, norm="l2").transform(list(texts))
    return X.toarray().astype(np.float32)


@pytest.fixture
def fake_encoder(monkeypatch):
    monkeypatch.setattr(embeddings, "embed", _hash_embed)
    monkeypatch.setattr(embeddings, "available_models", lambda: [embeddings.PRETRAINED])
    monkeypatch.setattr(embeddings, "model_stamp", lambda name: f"{name}@test")


# --- classifier ----------------------------------------------------------------------------------------

def test_classifier_beats_majority_class_and_reports_every_metric(artifacts, fake_encoder):
    jobs = list(generate_jobs(200, seed=3))
    metrics = classifier.train(jobs, epochs=8, log=None)
    assert metrics["accuracy"] > metrics["majority_class_accuracy"] + 0.2
    assert len(metrics["learning_curve"]) == 8
    assert [p["epoch"] for p in metrics["learning_curve"]] == list(range(1, 9))
    for key in ("accuracy", "weighted_precision", "weighted_recall", "weighted_f1", "macro_precision",
                "macro_recall", "macro_f1", "confusion_matrix", "train_size", "test_size"):
        assert key in metrics
    cm = metrics["confusion_matrix"]
    assert len(cm["matrix"]) == len(cm["labels"]) == metrics["classes"]
    assert sum(map(sum, cm["matrix"])) == metrics["test_size"]
    saved = json.loads((artifacts / "metrics" / "classifier.json").read_text())
    assert saved["accuracy"] == metrics["accuracy"]


def test_suggest_category_returns_top3_for_a_posted_job(artifacts, fake_encoder, monkeypatch):
    monkeypatch.setattr(classifier, "shipped_model_path", lambda: artifacts / "no-shipped.joblib")
    assert classifier.suggest_category({"title": "Nurse"}) is None  # nothing trained, nothing shipped
    jobs = list(generate_jobs(240, seed=5))
    classifier.train(jobs, epochs=10, log=None)
    nurse = next(j for j in generate_jobs(400, seed=9) if j["category"] == "Healthcare & Nursing")
    category, probability, top3 = classifier.suggest_category(nurse)
    assert len(top3) == 3 and top3[0] == (category, probability)
    assert 0 < probability <= 1 and probability >= top3[1][1] >= top3[2][1]
    assert "Healthcare & Nursing" in [c for c, _ in top3]
    monkeypatch.setattr(embeddings, "available_models", lambda: [])  # its encoder is gone: no guess
    assert classifier.suggest_category(nurse) is None


def _bundle(path, accuracy, stamp=""):
    """A stand-in classifier file whose only difference from another is its measured held-out accuracy."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    model = classifier.CategoryModel(object(), ["a", "b"], embeddings.PRETRAINED, stamp, {"accuracy": accuracy})
    joblib.dump(model, path)
    return path


@pytest.mark.parametrize("trained_acc, shipped_acc, winner", [
    (0.756, 0.798, "shipped"), (0.85, 0.798, "trained"), (0.8, 0.8, "trained")])
def test_suggestions_come_from_the_classifier_with_the_better_held_out_accuracy(
        artifacts, fake_encoder, monkeypatch, trained_acc, shipped_acc, winner):
    shipped = _bundle(artifacts / "shipped.joblib", shipped_acc)
    monkeypatch.setattr(classifier, "shipped_model_path", lambda: shipped)
    _bundle(classifier.model_path(), trained_acc, f"{embeddings.PRETRAINED}@test")
    assert classifier.active_model().metrics["accuracy"] == (trained_acc if winner == "trained" else shipped_acc)
    classifier.model_path().unlink()  # only one left: it answers whatever its accuracy
    assert classifier.active_model().metrics["accuracy"] == shipped_acc


def test_a_retrained_encoder_hands_over_to_the_shipped_classifier(artifacts, fake_encoder, monkeypatch):
    shipped = _bundle(artifacts / "shipped.joblib", 0.1)  # worse, so the trained one answers while it can
    monkeypatch.setattr(classifier, "shipped_model_path", lambda: shipped)
    classifier.train(list(generate_jobs(120, seed=5)), epochs=3, log=None)
    assert classifier.active_model().encoder_stamp == f"{embeddings.PRETRAINED}@test"
    monkeypatch.setattr(embeddings, "model_stamp", lambda name: f"{name}@retrained")
    assert classifier.active_model().classifier is classifier.load_model(classifier.shipped_model_path()).classifier


def test_sgd_tuning_uses_a_validation_part_of_the_training_data(monkeypatch):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 1.0, size=(30, 8)) for c in range(3)]).astype(np.float32)
    y = [str(c) for c in range(3) for _ in range(30)]
    fit, val = classifier.validation_split(y)
    assert len(val) == 18 and not set(fit) & set(val) and len(fit) + len(val) == 90
    best = classifier.tune_sgd(X, y, alphas=(1e-4, 1e-2), max_epochs=5)
    assert best["alpha"] in (1e-4, 1e-2) and 1 <= best["epochs"] <= 5 and best["val_weighted_f1"] > 0.5
    metrics = classifier.train_on_vectors(X, y, epochs=None)[1]
    assert metrics["tuning"]["alpha"] == metrics["alpha"] and metrics["epochs"] == len(metrics["learning_curve"])


def test_shipped_classifier_is_small_and_reads_pretrained_vectors():
    path = classifier.shipped_model_path()
    assert path.is_file() and path.stat().st_size < 300_000
    model = classifier.load_model(path)
    assert model.encoder == embeddings.PRETRAINED and model.encoder_stamp == ""
    assert model.features == catfeatures.FEATURES_VERSION  # the same features the evaluation scores
    assert model.classifier.coef_.shape == (len(model.labels), 384 * len(catfeatures.PARTS))
    assert 0 < model.metrics["accuracy"] <= 1  # what active_model compares


@pytest.mark.slow
def test_suggest_category_on_a_fresh_machine_uses_the_shipped_classifier(artifacts):
    """No trained model at all (empty artifacts dir): only the pretrained encoder and the shipped classifier."""
    assert embeddings.available_models() == [embeddings.PRETRAINED] and classifier.load_model() is None
    nurse = next(j for j in generate_jobs(400, seed=9) if j["category"] == "Healthcare & Nursing")
    category, probability, top3 = classifier.suggest_category(nurse)
    assert category == "Healthcare & Nursing" and probability > 0.3
    developer = {"title": "Backend Developer", "description": "Build REST APIs in Python and Django, "
                 "write tests and deploy services to AWS.", "required_skills": ["Python", "Django", "SQL"]}
    assert classifier.suggest_category(developer)[0] == "Software Engineering"


def test_stratified_split_keeps_class_shares():
    labels = ["a"] * 50 + ["b"] * 25 + ["c"] * 25
    train, test = classifier.stratified_split(labels)
    assert len(test) == 20 and sorted([labels[i] for i in test]).count("a") == 10
    assert not set(train) & set(test)


@pytest.mark.slow
def test_classifier_on_real_minilm_embeddings(artifacts):
    jobs = list(generate_jobs(200, seed=11))
    metrics = classifier.train(jobs, epochs=6, encoder=embeddings.PRETRAINED, log=None)
    assert metrics["encoder"] == embeddings.PRETRAINED
    assert metrics["accuracy"] > metrics["majority_class_accuracy"] + 0.3
    # the vectors were cached on disk: a second embedding call reuses them
    assert list((artifacts / "cache" / "embeddings").glob("*/vectors.npy"))


# --- fraud ---------------------------------------------------------------------------------------------

SCAM_LINES = (
    "Earn $5000 weekly working from home, no experience needed.",
    "Send your bank account details and a copy of your ID to start today.",
    "Data entry clerk wanted urgently, paid daily, contact us on WhatsApp.",
    "Pay a small registration fee for your training kit and start earning immediately.",
    "Be your own boss: easy money, flexible hours, limited positions available.",
)


def _scam(i: int) -> dict:
    lines = [SCAM_LINES[(i + k) % len(SCAM_LINES)] for k in range(3)]
    return {"title": ["Data Entry Clerk", "Home Based Assistant", "Payment Processor"][i % 3] + f" {i}",
            "description": " ".join(lines), "company": "", "company_profile": "", "requirements": "",
            "location": "US", "salary_min": None, "has_company_logo": False, "has_questions": False,
            "remote": True, "employment_type": None, "education_level": None, "fraudulent": 1}


def _legit(job: dict) -> dict:
    return dict(job, company_profile=f"{job['company']} builds software and services for customers since 1998.",
                has_company_logo=True, has_questions=True, fraudulent=0)


FAST = ("tfidf_words", "tfidf_words+flags")


@pytest.fixture
def fraud_set():
    legit = [_legit(j) for j in generate_jobs(40, seed=21)]
    return legit + [_scam(i) for i in range(30)]


def test_fraud_model_scores_scams_higher_and_none_without_model(artifacts, fraud_set):
    legit_new = _legit(next(generate_jobs(1, seed=99)))
    scam_new = _scam(77)
    assert fraud.risk_score(scam_new) is None and fraud.risk_threshold() is None  # not screened
    metrics = fraud.train(jobs=fraud_set, log=None, variants=FAST)
    assert (artifacts / "models" / "fraud" / "model.joblib").is_file()
    assert metrics["model"]["bytes"] < 5_000_000
    assert set(metrics["variants"]) == set(FAST)
    for name, v in metrics["variants"].items():
        assert {"f1", "precision", "recall", "roc_auc", "pr_auc", "pr_auc_at_prior", "at_prior_threshold"} <= set(v)
    low, high = fraud.risk_score(legit_new), fraud.risk_score(scam_new)
    assert 0 <= low <= 1 and 0 <= high <= 1
    assert high > low
    assert fraud.is_high_risk(high) and not fraud.is_high_risk(low)
    saved = json.loads((artifacts / "metrics" / "fraud.json").read_text())
    assert saved["chosen"] in fraud.VARIANTS and saved["data"]["fraudulent"] == 30


def test_unknown_flags_take_the_training_mean(artifacts, fraud_set):
    model = fraud.fit_model(fraud_set, np.array([j["fraudulent"] for j in fraud_set]))
    job = {"title": "Accountant", "description": "Prepare monthly accounts and reconcile ledgers."}
    row = fraud._flag_matrix([job], model.flag_means)[0]
    names = [n for n, _ in fraud.FLAGS]
    assert row[names.index("has_company_logo")] == pytest.approx(model.flag_means[names.index("has_company_logo")])
    assert row[names.index("requirements_present")] == pytest.approx(model.flag_means[names.index("requirements_present")])
    assert fraud._flag_matrix([dict(job, company_profile="")], model.flag_means)[0][0] == 0.0


def test_train_fraud_without_data_says_the_data_is_missing(artifacts, capsys):
    from engine.cli import main

    assert main(["train", "fraud"]) == 2
    assert "EMSCAD data is missing" in capsys.readouterr().err


def test_precision_at_prior_formula():
    # 0.048 * 0.8 / (0.048 * 0.8 + 0.952 * 0.05) = 0.0384 / 0.086
    assert fraud.precision_at_prior(0.8, 0.05, 0.048) == pytest.approx(0.0384 / 0.086)
    assert fraud.precision_at_prior(0.6, 0.6, 0.5) == pytest.approx(0.5)
    assert fraud.precision_at_prior(0.9, 0.0) == 1.0
    assert fraud.precision_at_prior(0.0, 0.0) == 0.0
    # no false positive among 347 legitimate postings still allows an FPR of ~0.86% (rule of three)
    assert fraud.fpr_upper_bound(0, 347) == pytest.approx(1 - 0.05 ** (1 / 347), rel=1e-6)


def test_threshold_is_chosen_for_the_real_prior():
    y = np.array([1] * 8 + [0] * 4)
    scores = np.array([0.9, 0.9, 0.8, 0.8, 0.7, 0.6, 0.4, 0.3, 0.65, 0.35, 0.2, 0.1])
    best = fraud.choose_threshold(y, scores)
    # at a 4.8% prior, a false positive costs far more than a missed scam: no legitimate posting is flagged
    assert best["false_positives"] == 0 and best["threshold"] == 0.7
    assert best["tpr"] == pytest.approx(5 / 8)


# --- ranking metrics and the evaluation ---------------------------------------------------------------

def test_ranking_metrics_on_hand_computed_examples():
    ranked, relevant = [1, 2, 3, 4, 5, 6], {2, 5, 9}
    assert evaluate.precision_at_k(ranked, relevant, 5) == 0.4
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    assert evaluate.ndcg_at_k(ranked, relevant, 10) == pytest.approx(dcg / (1 + 1 / math.log2(3) + 0.5))
    assert evaluate.mrr_at_k(ranked, relevant, 10) == 0.5
    assert evaluate.mrr_at_k([7, 8], relevant, 10) == 0.0
    assert evaluate.ndcg_at_k([2, 5, 9], relevant, 10) == pytest.approx(1.0)


def test_rankers_exclude_the_query_posting():
    corpus = ["python developer django", "python developer flask", "nurse hospital care"]
    for rank in (evaluate.rank_bm25, evaluate.rank_tfidf):
        ranked = rank(["python developer"], corpus, [0])[0]
        assert 0 not in ranked and ranked[0] == 1


def test_eval_recsys_json_shape_on_tiny_data(artifacts, fake_encoder):
    result = evaluate.eval_recsys(max_real=0, max_generated=80, n_queries=15, log=None)
    assert set(result["datasets"]) == {"real_google_category", "real_same_title", "generated_category",
                                       "generated_same_title"}
    assert "skipped" in result["datasets"]["real_same_title"]  # no shared data here
    table = result["datasets"]["generated_category"]
    assert set(table) == {"BM25", "TF-IDF", embeddings.PRETRAINED}
    for row in table.values():
        assert {"P@5", "nDCG@10", "MRR@10"} <= set(row) and all(0 <= row[m] <= 1 for m in ("P@5", "nDCG@10", "MRR@10"))
    assert result["sizes"]["generated_category"]["queries"] == 15
    assert json.loads((artifacts / "metrics" / "eval_recsys.json").read_text())["datasets"] == result["datasets"]


def test_a_challenger_is_compared_with_the_incumbent_query_by_query():
    """The ship rule for a whole-encoder challenger (the O*NET fine-tune) reads this: the gap per metric with its 95% interval over the queries."""
    jobs = [{"title": f"t{i % 5}", "text": f"job {i}"} for i in range(60)]
    task = {"corpus": [j["text"] for j in jobs], "queries": [j["text"] for j in jobs], "own": list(range(60)),
            "relevant": [{k for k in range(60) if k % 5 == i % 5 and k != i} for i in range(60)]}

    def right_first(queries, corpus, own):       # every other posting of the query's title first
        return [sorted(rel)[:10] for rel in task["relevant"]]

    def right_on_even_queries(queries, corpus, own):
        return [sorted(rel)[:10] if q % 2 == 0 else [k for k in range(60) if k % 5 != q % 5][:10]
                for q, rel in zip(own, task["relevant"])]

    def compare(models):
        out = {}
        tables = evaluate.evaluate_retrieval({"t": task}, models, log=None, compare=("new", "old"), comparisons_out=out)
        return tables["t"], out

    table, out = compare({"new": right_on_even_queries, "old": right_first})
    assert set(table) == {"new", "old"}   # the tables keep one row per model
    gap = out["t"]["new vs old"]
    assert set(gap) == {"P@5", "nDCG@10", "MRR@10"}
    assert gap["MRR@10"]["difference"] == pytest.approx(table["new"]["MRR@10"] - table["old"]["MRR@10"]) == -0.5
    assert gap["P@5"]["ci95"][1] < 0 and gap["P@5"]["share_of_resamples_A_ahead"] == 0.0
    line = lab.retrieval_gaps({"comparisons": out}, "t")[0]
    assert line.startswith("new vs old, 95% intervals: P@5 -0.") and "MRR@10 -0.500" in line and "(real)" in line
    same = compare({"new": right_first, "old": right_first})[1]["t"]["new vs old"]
    assert same["nDCG@10"] == {"difference": 0.0, "ci95": [0.0, 0.0], "share_of_resamples_A_ahead": 0.0}
    assert "within chance" in lab.retrieval_gaps({"comparisons": {"t": {"new vs old": same}}}, "t")[0]
    assert compare({"old": right_first})[1] == {}   # no challenger trained here: nothing to compare


def test_eval_classifier_json_shape_on_tiny_data(artifacts, fake_encoder):
    result = evaluate.eval_classifier(max_generated=150, log=None)
    assert "skipped" in result["datasets"]["google_23_categories"]
    table = result["datasets"]["generated_categories"]
    assert {"TF-IDF + LogisticRegression", f"{embeddings.PRETRAINED} + SGD", "majority class"} == set(table)
    assert table["TF-IDF + LogisticRegression"]["accuracy"] > table["majority class"]["accuracy"]
    gap = result["comparisons"]["generated_categories"][f"{embeddings.PRETRAINED} + SGD vs TF-IDF + LogisticRegression"]
    expected = table[f"{embeddings.PRETRAINED} + SGD"]["accuracy"] - table["TF-IDF + LogisticRegression"]["accuracy"]
    assert gap["accuracy_difference"] == pytest.approx(expected, abs=1e-3)
    assert gap["ci95"][0] <= gap["accuracy_difference"] <= gap["ci95"][1]


def test_paired_bootstrap_separates_a_real_gap_from_chance():
    rng = np.random.default_rng(0)
    truth = rng.random(400) < 0.7
    better = truth | (rng.random(400) < 0.5)           # right wherever `truth` is, and on half the rest
    clear = evaluate.paired_bootstrap(better, truth)
    assert clear["accuracy_difference"] > 0.1 and clear["ci95"][0] > 0 and clear["share_of_resamples_A_ahead"] == 1.0
    other = truth.copy()   # wrong on 4 postings `truth` gets right, right on 3 it gets wrong: one posting apart
    other[np.flatnonzero(truth)[:4]] = False
    other[np.flatnonzero(~truth)[:3]] = True
    close = evaluate.paired_bootstrap(other, truth)
    assert close["accuracy_difference"] == -0.0025 and close["ci95"][0] < 0 < close["ci95"][1]
    assert 0.1 < close["share_of_resamples_A_ahead"] < 0.5


def test_title_agreement_counts_test_postings_filed_like_their_title():
    train = [{"title": "Account Manager", "label_category": "Sales"}] * 3 + [
        {"title": "Senior Account Manager", "label_category": "Partnerships"},
        {"title": "Financial Analyst", "label_category": "Finance"},
        {"title": "Program Manager", "label_category": "Program Management"},
        {"title": "Program Manager", "label_category": "Partnerships"}]
    test = [{"title": "Account Manager (Cloud)", "label_category": "Sales"},
            {"title": "Lead Account Manager", "label_category": "Partnerships"},
            {"title": "Financial Analyst II", "label_category": "Finance"},
            {"title": "Program Manager", "label_category": "Partnerships"},  # one of a tie: counts as agreeing
            {"title": "Recruiter", "label_category": "People"}]      # a title the training part never had
    expected = {"test_postings_with_a_training_title": 4, "labelled_as_that_title_mostly_is": 3, "agreement": 0.75}
    assert evaluate.title_agreement(train, test) == expected
    assert evaluate.title_agreement(train[::-1], test) == expected   # the order of the postings does not matter


def test_near_copy_agreement_compares_reposted_jobs_only():
    body = "Manage relationships with retail partners, plan store launches and report sales across the region."
    train = [{"title": "Store Operations Manager", "description": body, "label_category": "Partnerships"},
             {"title": "Data Center Technician", "description": "Install and repair servers and network cabling "
              "in our data centers, working in shifts.", "label_category": "Data Center & Network"}]
    test = [{"title": "Store Operations Manager (German)", "description": body, "label_category": "Sales"},
            {"title": "Data Center Technician, Dublin", "description": "Install and repair servers and network "
             "cabling in our data centers, working in shifts.", "label_category": "Data Center & Network"},
            {"title": "Recruiter", "description": "Source and interview engineering candidates.",
             "label_category": "People Operations"}]          # nothing in training reads like it
    assert evaluate.near_copy_agreement(train, test) == {
        "threshold": 0.9, "test_postings_with_a_near_copy_in_training": 2, "same_category_as_the_copy": 1,
        "agreement": 0.5}
    assert evaluate.near_copy_agreement(train, [])["agreement"] is None


# --- Model Lab page ------------------------------------------------------------------------------------

def _run_lab(data_dir):
    from streamlit.testing.v1 import AppTest

    from pathlib import Path

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "model_lab.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_model_lab_without_metrics_says_which_command_creates_them(artifacts, data_dir):
    at = _run_lab(data_dir)
    infos = " ".join(i.value for i in at.info)
    for command in ("python -m engine train classifier", "python -m engine eval recsys --json",
                    "python -m engine train fraud", "python -m engine eval classifier --json"):
        assert command in infos


def test_model_lab_shows_the_metrics_files(artifacts, data_dir, fake_encoder, fraud_set):
    from engine import jobs, store

    jobs.add_jobs(store.connect(data_dir), generate_jobs(30, seed=1))
    classifier.train(list(generate_jobs(150, seed=2)), epochs=3, log=None)
    fraud.train(jobs=fraud_set, log=None, variants=FAST)
    evaluate.eval_recsys(max_real=0, max_generated=60, n_queries=10, log=None)
    at = _run_lab(data_dir)
    labels = [m.label for m in at.metric]
    assert "Accuracy" in labels and "Precision at 4.8% prior" in labels
    infos = " ".join(i.value for i in at.info)
    assert "train classifier" not in infos and "train fraud" not in infos and "eval recsys" not in infos
    assert "eval classifier" in infos  # that one was not run


def test_recruiter_posting_shows_fraud_score_and_category_suggestion(artifacts, data_dir, fake_encoder, fraud_set):
    """The recruiter's post form screens the new job with the trained fraud model, holds a scam-like one for
    review, and offers the classifier's category when it differs from the one chosen."""
    from applications_fixtures import World
    from conftest import open_page

    from engine import store

    classifier.train(list(generate_jobs(240, seed=3)), epochs=8, log=None)
    fraud.train(jobs=fraud_set, log=None, variants=FAST)
    w = World(store.connect(data_dir))
    at = open_page("pages/recruiter.py", w.rec_a, timeout=120)
    scam = _scam(5)
    [t for t in at.text_input if t.label == "Title *"][-1].set_value(scam["title"])
    [t for t in at.text_input if t.label == "Location *"][-1].set_value("Remote")
    [t for t in at.text_area if t.label == "Description *"][-1].set_value(scam["description"])
    [b for b in at.button if b.label == "Post job"][0].click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Fraud screening: risk" in captions and "held for review" in captions
    status, score = w.db.execute("SELECT status, fraud_score FROM jobs WHERE title = ?", [scam["title"]]).fetchone()
    assert status == "pending_review" and score >= fraud.risk_threshold()
    assert "Category check" in captions or any("classifier suggests" in i.value for i in at.info)


def test_model_lab_says_whether_a_classifier_gap_is_more_than_chance(artifacts, data_dir):
    row = {"accuracy": 0.7, "weighted_f1": 0.7, "macro_f1": 0.6}
    result = {"datasets": {"google_23_categories": {"TF-IDF + LogisticRegression": row, "Job-Rec-v1 + SGD": row}},
              "sizes": {"google_23_categories": {"train": 670, "test": 162, "classes": 23, "title_agreement": {
                  "test_postings_with_a_training_title": 52, "labelled_as_that_title_mostly_is": 39, "agreement": 0.75},
                  "near_copy_agreement": {"threshold": 0.9, "test_postings_with_a_near_copy_in_training": 23,
                                          "same_category_as_the_copy": 19, "agreement": 0.8261}}},
              "comparisons": {"what": "...", "google_23_categories": {
                  "Job-Rec-v1 + SGD vs TF-IDF + LogisticRegression": {"accuracy_difference": 0.0123,
                                                                      "ci95": [-0.0432, 0.0679]},
                  "all-MiniLM-L6-v2 + SGD vs TF-IDF + LogisticRegression": {"accuracy_difference": -0.08,
                                                                            "ci95": [-0.12, -0.03]}}}}
    (artifacts / "metrics").mkdir(parents=True)
    (artifacts / "metrics" / "eval_classifier.json").write_text(json.dumps(result))
    (artifacts / "bench").mkdir(parents=True)
    (artifacts / "bench" / "recsys-classifier-ceiling.json").write_text(json.dumps(
        {"best_epoch_on_test": {"epoch": 4, "accuracy": 0.716, "weighted_f1": 0.717, "macro_f1": 0.664}}))
    captions = " ".join(c.value for c in _run_lab(data_dir).caption)
    assert "Job-Rec-v1 + SGD vs TF-IDF + LogisticRegression: accuracy +0.012, 95% interval [-0.043, +0.068] " \
           "(within chance)" in captions
    assert "accuracy -0.080, 95% interval [-0.120, -0.030] (a real difference)" in captions
    assert "39 (75%) carry that title's usual category" in captions
    assert "Of 23 test postings that are near copies of a training posting (the same job reposted), 19 (83%) carry " \
           "the copy's category" in captions
    assert "fine-tuned end to end as a classifier on the same split reaches accuracy 0.716 at its best epoch" in captions


def test_model_lab_shows_a_challenger_against_v1_with_intervals(artifacts, data_dir):
    row = {"P@5": 0.386, "nDCG@10": 0.572, "MRR@10": 0.633, "seconds": 0.1}
    gap = {"P@5": {"difference": -0.0233, "ci95": [-0.0606, 0.0140], "share_of_resamples_A_ahead": 0.1},
           "nDCG@10": {"difference": -0.029, "ci95": [-0.07, 0.01], "share_of_resamples_A_ahead": 0.08},
           "MRR@10": {"difference": 0.05, "ci95": [0.01, 0.09], "share_of_resamples_A_ahead": 0.99}}
    result = {"what": "...", "datasets": {"real_same_title": {"Job-Rec-v1": row, "O*NET fine-tune": row}},
              "comparisons": {"real_same_title": {"O*NET fine-tune vs Job-Rec-v1": gap}},
              "sizes": {"real_same_title": {"corpus": 300, "queries": 43}}}
    (artifacts / "metrics").mkdir(parents=True)
    (artifacts / "metrics" / "eval_recsys.json").write_text(json.dumps(result))
    captions = " ".join(c.value for c in _run_lab(data_dir).caption)
    assert ("O*NET fine-tune vs Job-Rec-v1, 95% intervals: P@5 -0.023 [-0.061, +0.014] (within chance); nDCG@10 -0.029 "
            "[-0.070, +0.010] (within chance); MRR@10 +0.050 [+0.010, +0.090] (real).") in captions
