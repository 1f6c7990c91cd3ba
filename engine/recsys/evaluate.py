"""Offline evaluation: retrieval (`eval recsys`) and category classification (`eval classifier`).

Retrieval. Query = profile-like text built from a posting with its title removed (its skills, the opening of
its requirements, its location): what a matching candidate might write. Corpus = the other postings of the
same dataset (the query's own posting is excluded). Two definitions of relevant, reported separately:
  * category: postings of the same category (the real set: Google job skills' own 23 categories, only Google
    postings in corpus and queries; the generated set: the generator's categories);
  * title: postings with the same normalised title (seniority words and brackets dropped), all real sources.
Metrics: P@5, nDCG@10 (binary gains) and MRR@10, averaged over queries; queries without any relevant posting
in the corpus are skipped. Models: BM25 (rank-bm25), TF-IDF cosine, all-MiniLM-L6-v2, Job-Rec-v1; all rank the
same job texts (`job_text`). Real postings are those Job-Rec-v1's fine-tuning held out; generated ones come
from a seed it never saw.

Classification: TF-IDF + logistic regression, all-MiniLM-L6-v2 + SGD and Job-Rec-v1 + SGD (SGD as in
`classifier.py`, on the part vectors of `catfeatures`, the features the product's classifier reads; TF-IDF on the
same parts' text joined) on one split per dataset: Google postings' 23 categories (test = postings the encoder held
out, train = the rest) and generated postings' categories (stratified 80/20, seed 42; none seen by the encoder).
"""
from __future__ import annotations

import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from engine import config
from engine.recsys import embeddings, evaldata

QUERIES = 100          # per dataset and relevance definition
SEED = 42


# --- ranking metrics (binary relevance) ------------------------------------------------------------

def precision_at_k(ranked: Sequence, relevant: set, k: int = 5) -> float:
    return sum(1 for d in ranked[:k] if d in relevant) / k


def ndcg_at_k(ranked: Sequence, relevant: set, k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def mrr_at_k(ranked: Sequence, relevant: set, k: int = 10) -> float:
    return next((1 / (i + 1) for i, d in enumerate(ranked[:k]) if d in relevant), 0.0)


METRICS = {"P@5": lambda r, s: precision_at_k(r, s, 5), "nDCG@10": lambda r, s: ndcg_at_k(r, s, 10),
           "MRR@10": lambda r, s: mrr_at_k(r, s, 10)}


def per_query_scores(rankings: list[list[int]], relevants: list[set]) -> dict[str, np.ndarray]:
    return {name: np.array([metric(r, s) for r, s in zip(rankings, relevants)]) for name, metric in METRICS.items()}


def mean_scores(per_query: dict[str, np.ndarray]) -> dict:
    return {name: round(float(v.mean()), 4) for name, v in per_query.items()}


def score_rankings(rankings: list[list[int]], relevants: list[set]) -> dict:
    return mean_scores(per_query_scores(rankings, relevants))


# --- rankers: (query texts, corpus texts, own index per query) -> top-10 corpus indices per query ------

def _top(scores: np.ndarray, own: int, k: int = 10) -> list[int]:
    scores = scores.astype(np.float64, copy=True)
    scores[own] = -np.inf  # the query's own posting is not a result
    top = np.argpartition(-scores, min(k, len(scores) - 1))[:k + 1]
    return [int(i) for i in top[np.argsort(-scores[top], kind="stable")] if i != own][:k]


def _tokens(text: str) -> list[str]:
    import re

    return re.findall(r"[a-z0-9+#]+", text.lower())


def rank_bm25(queries: list[str], corpus: list[str], own: list[int]) -> list[list[int]]:
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi([_tokens(t) for t in corpus])
    return [_top(np.asarray(bm25.get_scores(_tokens(q))), o) for q, o in zip(queries, own)]


def tfidf_similarities(queries: list[str], corpus: list[str]) -> np.ndarray:
    """(queries, corpus) TF-IDF cosines, the vectorizer fit on the corpus searched (the TF-IDF baseline)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, stop_words="english")
    docs = vec.fit_transform(corpus)
    return (vec.transform(queries) @ docs.T).toarray()  # rows are L2-normalised: dot = cosine


def rank_tfidf(queries: list[str], corpus: list[str], own: list[int]) -> list[list[int]]:
    return [_top(s, o) for s, o in zip(tfidf_similarities(queries, corpus), own)]


def dense_ranker(model: str) -> Callable:
    def rank(queries: list[str], corpus: list[str], own: list[int]) -> list[list[int]]:
        docs = embeddings.embed(corpus, model, show_progress=True)
        sims = embeddings.embed(queries, model, show_progress=True) @ docs.T
        return [_top(s, o) for s, o in zip(sims, own)]
    return rank


SERVED = "Job-Rec-v1, int8 queries (as served)"


def served_ranker(model: str) -> Callable:
    """Job-Rec-v1 as `recommend` serves it: float job vectors, profile queries through `encode_query`."""
    def rank(queries: list[str], corpus: list[str], own: list[int]) -> list[list[int]]:
        from engine.recsys.encoder import load_encoder

        docs = embeddings.embed(corpus, model, show_progress=True)
        sims = load_encoder(embeddings.model_path(model)).encode_query(queries) @ docs.T
        return [_top(s, o) for s, o in zip(sims, own)]
    return rank


def rankers() -> dict[str, Callable]:
    out = {"BM25": rank_bm25, "TF-IDF": rank_tfidf}
    for name in embeddings.available_models():
        out[name] = dense_ranker(name)
    if embeddings.JOB_REC in out:
        from engine.recsys.encoder import load_encoder

        onnx = load_encoder(embeddings.model_path(embeddings.JOB_REC)).onnx
        if onnx is not None and onnx.int8_queries:
            out[SERVED] = served_ranker(embeddings.JOB_REC)
    return out


# --- retrieval evaluation --------------------------------------------------------------------------

def retrieval_task(jobs: list[dict], label: Callable[[dict], str | None], n_queries: int = QUERIES,
                   seed: int = SEED) -> dict:
    """Queries (sampled postings with at least one other posting of the same label) and their relevant sets."""
    groups: dict[str, set[int]] = defaultdict(set)
    for i, j in enumerate(jobs):
        if (lab := label(j)):
            groups[lab].add(i)
    candidates = [i for i, j in enumerate(jobs) if label(j) and len(groups[label(j)]) > 1
                  and evaldata.profile_like_text(j)]
    picked = sorted(random.Random(seed).sample(candidates, min(n_queries, len(candidates))))
    return {"corpus": [evaldata.job_text(j) for j in jobs],
            "queries": [evaldata.profile_like_text(jobs[i]) for i in picked],
            "own": picked, "relevant": [groups[label(jobs[i])] - {i} for i in picked]}


def evaluate_retrieval(tasks: dict[str, dict], models: dict[str, Callable] | None = None, log=print,
                       compare: tuple[str, str] | None = None, comparisons_out: dict | None = None) -> dict:
    """Each model's mean P@5, nDCG@10 and MRR@10 per task. `compare` = (challenger, incumbent): their
    difference per metric with a 95% interval (paired bootstrap over the queries) goes to `comparisons_out`
    per task: a task of 43 queries cannot tell a gap of 0.02 from chance, and a ship rule should know it."""
    models = models or rankers()
    tables = {}
    for name, task in tasks.items():
        if not task["queries"]:
            tables[name] = {"skipped": "no queries (the data is missing)"}
            continue
        table, per_query = {}, {}
        for model, rank in models.items():
            if log:
                log(f"{name}: {model} ...")
            t = time.time()
            per_query[model] = per_query_scores(rank(task["queries"], task["corpus"], task["own"]), task["relevant"])
            table[model] = mean_scores(per_query[model])
            table[model]["seconds"] = round(time.time() - t, 1)
        if compare and comparisons_out is not None and all(m in per_query for m in compare):
            challenger, incumbent = compare
            comparisons_out.setdefault(name, {})[f"{challenger} vs {incumbent}"] = {
                m: paired_bootstrap(per_query[challenger][m], per_query[incumbent][m], key="difference")
                for m in METRICS}
        tables[name] = table
    return tables


def recsys_tasks(max_real: int = evaldata.MAX_REAL, max_generated: int = evaldata.MAX_GENERATED,
                 n_queries: int = QUERIES) -> tuple[dict, dict]:
    held = evaldata.held_out_real(limit=None)
    real = held[:max_real]
    google = [j for j in held if j.get("label_category")]  # every held-out Google posting, whatever the cap
    generated = evaldata.generated_postings(max_generated)
    title = lambda j: evaldata.normal_title(j.get("title", "")) or None  # noqa: E731
    tasks = {
        "real_google_category": retrieval_task(google, lambda j: j.get("label_category"), n_queries),
        "real_same_title": retrieval_task(real, title, n_queries),
        "generated_category": retrieval_task(generated, lambda j: j.get("category"), n_queries),
        "generated_same_title": retrieval_task(generated, title, n_queries),
    }
    sizes = {k: {"corpus": len(t["corpus"]), "queries": len(t["queries"]),
                 "mean_relevant": round(float(np.mean([len(r) for r in t["relevant"]])), 1) if t["relevant"] else 0,
                 # the best P@5 any ranker can reach: a query with 2 relevant postings scores at most 2/5
                 "max_P@5": round(float(np.mean([min(len(r), 5) / 5 for r in t["relevant"]])), 4) if t["relevant"] else 0}
             for k, t in tasks.items()}
    return tasks, sizes


def eval_recsys(max_real: int = evaldata.MAX_REAL, max_generated: int = evaldata.MAX_GENERATED,
                n_queries: int = QUERIES, log=print, write: bool = True) -> dict:
    started = time.time()
    tasks, sizes = recsys_tasks(max_real, max_generated, n_queries)
    comparisons: dict = {}
    result = {
        "what": "profile-like query (posting without its title) -> job texts; relevant = same category or same "
                "normalised title; the query's own posting excluded; Job-Rec-v1 never saw these postings",
        "datasets": evaluate_retrieval(tasks, log=log, compare=(embeddings.ONET_FINETUNE, embeddings.JOB_REC),
                                       comparisons_out=comparisons),
        "comparisons": comparisons,   # the O*NET fine-tune against Job-Rec-v1 where both are here
        "sizes": sizes,
        "models_missing": [m for m in (embeddings.PRETRAINED, embeddings.JOB_REC)
                           if m not in embeddings.available_models()],
        "seconds": round(time.time() - started, 1),
    }
    if write:
        _write("eval_recsys.json", result)
    return result


# --- classifier comparison -------------------------------------------------------------------------

TFIDF_CS = (1.0, 10.0, 100.0)   # logistic regression strengths tried on the validation part


def _tfidf_lr_fit(train_texts, y_train, C: float):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, stop_words="english")
    clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=SEED)
    clf.fit(vec.fit_transform(train_texts), y_train)
    return lambda texts: list(clf.predict(vec.transform(texts)))


def tune_tfidf_lr(train_texts: list[str], y_train: list[str]) -> dict:
    """C chosen like the SGD heads' alpha: best weighted F1 on a validation part of the training part."""
    from sklearn.metrics import accuracy_score, f1_score

    from engine.recsys.classifier import validation_split

    fit, val = validation_split(list(y_train))
    y_val = [y_train[i] for i in val]
    preds = {C: _tfidf_lr_fit([train_texts[i] for i in fit], [y_train[i] for i in fit], C)([train_texts[i] for i in val])
             for C in TFIDF_CS}
    scores = {C: f1_score(y_val, p, average="weighted") for C, p in preds.items()}
    best = max(scores, key=lambda C: (scores[C], -C))
    return {"C": best, "val_weighted_f1": round(float(scores[best]), 4),
            "val_accuracy": round(float(accuracy_score(y_val, preds[best])), 4),
            "val_macro_f1": round(float(f1_score(y_val, preds[best], average="macro")), 4)}


def _tfidf_lr(train_texts, y_train, test_texts, tuning: dict | None = None) -> list[str]:
    C = (tuning or tune_tfidf_lr(train_texts, y_train))["C"]
    return _tfidf_lr_fit(train_texts, y_train, C)(test_texts)


def paired_bootstrap(correct_a: np.ndarray, correct_b: np.ndarray, n: int = 2000, seed: int = SEED,
                     key: str = "accuracy_difference") -> dict:
    """Mean of A minus mean of B over the same test items (accuracy: 0/1 per posting; a ranking metric: its
    value per query), with a 95% interval from resampling the items (both scored on each resample): on a
    small test part, is the gap more than chance?"""
    a, b = np.asarray(correct_a, dtype=float), np.asarray(correct_b, dtype=float)
    rows = np.random.default_rng(seed).integers(0, len(a), size=(n, len(a)))
    diffs = a[rows].mean(1) - b[rows].mean(1)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return {key: round(float(a.mean() - b.mean()), 4), "ci95": [round(float(lo), 4), round(float(hi), 4)],
            "share_of_resamples_A_ahead": round(float(np.mean(diffs > 0)), 3)}


def title_agreement(train: list[dict], test: list[dict], label: str = "label_category") -> dict:
    """How far the labels themselves agree: of the test postings whose normalised title occurs in the training
    part, how many carry the category most training postings of that title carry (or one of them, on a tie: the
    count errs high and does not depend on the order of the postings). A rough ceiling for any classifier on
    these labels (two postings of one title are often filed under different categories)."""
    from collections import Counter

    title = lambda j: evaldata.normal_title(j.get("title", ""))  # noqa: E731
    by_title: dict[str, Counter] = defaultdict(Counter)
    for j in train:
        by_title[title(j)][j[label]] += 1
    seen = [(j, by_title[title(j)]) for j in test if title(j) in by_title]
    agree = sum(counts[j[label]] == max(counts.values()) for j, counts in seen)  # a tie counts as agreeing
    return {"test_postings_with_a_training_title": len(seen), "labelled_as_that_title_mostly_is": agree,
            "agreement": round(agree / len(seen), 4) if seen else None}


NEAR_COPY = 0.9   # TF-IDF cosine of two postings' bodies above which they are one job reposted (a language or office)


def near_copy_agreement(train: list[dict], test: list[dict], label: str = "label_category",
                        threshold: float = NEAR_COPY) -> dict:
    """How far the labels agree on the same job: for each test posting, the training posting whose body and
    requirements read most alike (TF-IDF cosine); where the two are near copies (cosine >= `threshold`: the
    same job reposted for another language or office), do they carry the same category? No classifier
    reading the text can beat this share on those postings, since their texts say the same thing."""
    from engine.recsys import catfeatures

    def body(job: dict) -> str:
        parts = catfeatures.part_texts(job)
        return ". ".join(t for t in (parts["body"], parts["requirements"]) if t)

    if not train or not test:
        return {"threshold": threshold, "test_postings_with_a_near_copy_in_training": 0, "same_category_as_the_copy": 0,
                "agreement": None}
    sims = tfidf_similarities([body(j) for j in test], [body(j) for j in train])
    nearest, best = sims.argmax(1), sims.max(1)
    copies = [(j, train[n]) for j, n, s in zip(test, nearest, best) if s >= threshold]
    agree = sum(j[label] == copy[label] for j, copy in copies)
    return {"threshold": threshold, "test_postings_with_a_near_copy_in_training": len(copies),
            "same_category_as_the_copy": agree, "agreement": round(agree / len(copies), 4) if copies else None}


def compare_classifiers(jobs: list[dict], labels: list[str], split: tuple, log=print,
                        tuning_out: dict | None = None, comparisons_out: dict | None = None) -> dict:
    """Every model on the same split; each head's hyper-parameters tuned on a validation part of the
    training part (recorded in `tuning_out`), then refit on the whole training part and scored on the test part.
    `comparisons_out` gets each embedding head against TF-IDF + LR (`paired_bootstrap`)."""
    from engine.recsys import catfeatures
    from engine.recsys.classifier import classification_metrics, fit_sgd, tune_sgd

    used = np.concatenate([split[0], split[1]])  # embed only the postings in the split
    jobs, labels = [jobs[i] for i in used], [labels[i] for i in used]
    train_idx, test_idx = np.arange(len(split[0])), np.arange(len(split[0]), len(used))
    texts = [catfeatures.joined_text(j) for j in jobs]  # what the embedding heads read, as one text
    y_train, y_test = [labels[i] for i in train_idx], [labels[i] for i in test_idx]
    order = sorted(set(labels))
    keep = ("accuracy", "weighted_f1", "macro_f1", "weighted_precision", "weighted_recall", "macro_precision",
            "macro_recall")
    table = {}
    tuning_out = {} if tuning_out is None else tuning_out
    train_texts = [texts[i] for i in train_idx]
    tuning_out["TF-IDF + LogisticRegression"] = tune_tfidf_lr(train_texts, y_train)
    pred = _tfidf_lr(train_texts, y_train, [texts[i] for i in test_idx], tuning_out["TF-IDF + LogisticRegression"])
    table["TF-IDF + LogisticRegression"] = {k: classification_metrics(y_test, pred, order)[k] for k in keep}
    tfidf_correct = np.asarray(pred) == np.asarray(y_test)
    comparisons_out = {} if comparisons_out is None else comparisons_out
    for model in embeddings.available_models():
        if log:
            log(f"  {model} + SGD ...")
        X = catfeatures.features(jobs, model, show_progress=bool(log))
        tuning = tuning_out[f"{model} + SGD"] = tune_sgd(X[train_idx], y_train)
        clf, _ = fit_sgd(X[train_idx], y_train, X[test_idx], y_test, tuning["epochs"], alpha=tuning["alpha"])
        pred = clf.predict(X[test_idx])
        table[f"{model} + SGD"] = {k: classification_metrics(y_test, pred, order)[k] for k in keep}
        comparisons_out[f"{model} + SGD vs TF-IDF + LogisticRegression"] = paired_bootstrap(
            np.asarray(pred) == np.asarray(y_test), tfidf_correct)
    majority = max(set(y_train), key=y_train.count)
    table["majority class"] = {"accuracy": round(float(np.mean([y == majority for y in y_test])), 4)}
    return table


def google_split() -> tuple[list[dict], list[int], list[int]]:
    """The Google postings with a category, and the classifier comparison's split of them: (postings, train
    indices in sampled order, test indices). Test = the postings Job-Rec-v1's fine-tuning held out; train = up
    to MAX_GOOGLE_TRAIN of the others (all of them on the current data)."""
    google = [j for j in evaldata.real_postings() if j.get("label_category")]
    train = [i for i, j in enumerate(google) if not j["held_out"]]
    train = random.Random(SEED).sample(train, min(len(train), evaldata.MAX_GOOGLE_TRAIN))
    return google, train, [i for i, j in enumerate(google) if j["held_out"]]


def eval_classifier(max_generated: int = evaldata.MAX_GENERATED_CLASSIFIER, log=print, write: bool = True) -> dict:
    from collections import Counter

    from engine.recsys.classifier import stratified_split

    started = time.time()
    datasets, sizes, tuning, comparisons = {}, {}, {}, {}
    google, train, test = google_split()
    if google:
        train = sorted(train)
        if log:
            log(f"google_23_categories: train {len(train)}, test {len(test)}")
        datasets["google_23_categories"] = compare_classifiers(
            google, [j["label_category"] for j in google], (np.array(train), np.array(test)), log,
            tuning.setdefault("google_23_categories", {}), comparisons.setdefault("google_23_categories", {}))
        sizes["google_23_categories"] = {"train": len(train), "test": len(test),
                                         "classes": len({j['label_category'] for j in google}),
                                         "split": "test = postings Job-Rec-v1's fine-tuning held out",
                                         "title_agreement": title_agreement([google[i] for i in train],
                                                                            [google[i] for i in test]),
                                         "near_copy_agreement": near_copy_agreement([google[i] for i in train],
                                                                                    [google[i] for i in test])}
    else:
        datasets["google_23_categories"] = {"skipped": "the shared data (Google job skills) is missing"}
    generated = evaldata.generated_postings(max_generated)
    counts = Counter(j["category"] for j in generated)
    generated = [j for j in generated if counts[j["category"]] >= 5]
    labels = [j["category"] for j in generated]
    split = stratified_split(labels)
    if log:
        log(f"generated_categories: train {len(split[0])}, test {len(split[1])}")
    datasets["generated_categories"] = compare_classifiers(generated, labels, split, log,
                                                           tuning.setdefault("generated_categories", {}),
                                                           comparisons.setdefault("generated_categories", {}))
    sizes["generated_categories"] = {"train": len(split[0]), "test": len(split[1]), "classes": len(set(labels)),
                                     "split": "stratified 80/20, seed 42 (no posting seen by Job-Rec-v1)"}
    result = {"what": "job category from the job text; same split for every model; each head's hyper-parameters "
                      "(SGD alpha and epochs, logistic regression C) chosen on a stratified 20% validation part of "
                      "the training part, then refit on the whole training part",
              "datasets": datasets, "sizes": sizes, "tuning": tuning,
              "comparisons": {"what": "accuracy of each embedding head minus TF-IDF + LR's on the same test postings, "
                                      "95% interval by paired bootstrap over the test postings (2,000 resamples)",
                              **comparisons},
              "seconds": round(time.time() - started, 1)}
    if write:
        _write("eval_classifier.json", result)
    return result


def _write(name: str, result: dict) -> Path:
    path = config.artifacts_dir() / "metrics" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
