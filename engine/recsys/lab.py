"""What the Model Lab page shows: metric files written by the train/eval/bench commands, and the category mix
of the jobs in the current database. Nothing here trains or loads a model."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from engine import config
from engine.jobs import visible_to_candidates_sql

# name -> (path under artifacts/, the command that creates it)
METRIC_FILES = {
    "classifier": ("metrics/classifier.json", "python -m engine train classifier"),
    "eval_classifier": ("metrics/eval_classifier.json", "python -m engine eval classifier --json"),
    "eval_recsys": ("metrics/eval_recsys.json", "python -m engine eval recsys --json"),
    "fraud": ("metrics/fraud.json", "python -m engine train fraud"),
    "job_rec": ("metrics/job-rec-v1.json", "python -m engine train encoder"),
    "coach": ("coach/metrics.json", "python -m engine train coach"),
    "fairness": ("metrics/fairness.json", "python -m engine eval fairness --json"),
}

# the end-to-end fine-tuning study: which comparison it bounds, the script, the JSON it writes under artifacts/
CEILING_STUDY = ("google_23_categories", "bench/recsys_classifier_ceiling.py", "bench/recsys-classifier-ceiling.json")


@dataclass
class MetricFile:
    name: str
    path: Path
    command: str
    data: dict | None           # None when the file is missing or unreadable
    error: str | None = None


def read_metrics(name: str) -> MetricFile:
    rel, command = METRIC_FILES[name]
    path = config.artifacts_dir() / rel
    if not path.is_file():
        return MetricFile(name, path, command, None)
    try:
        return MetricFile(name, path, command, json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        return MetricFile(name, path, command, None, f"{path.name} cannot be read ({exc}); run `{command}` again.")


def _beyond_chance(ci95: list[float]) -> bool:
    """Whether a difference's 95% interval leaves out zero."""
    return ci95[0] > 0 or ci95[1] < 0


def retrieval_gaps(data: dict, dataset: str) -> list[str]:
    """One sentence per compared pair of `eval recsys` (the O*NET fine-tune vs Job-Rec-v1): each metric's gap with its
    95% interval over the queries, and whether it is more than chance."""
    lines = []
    for pair, metrics in (data.get("comparisons", {}).get(dataset) or {}).items():
        parts = []
        for metric, c in metrics.items():
            lo, hi = c["ci95"]
            verdict = "real" if _beyond_chance(c["ci95"]) else "within chance"
            parts.append(f"{metric} {c['difference']:+.3f} [{lo:+.3f}, {hi:+.3f}] ({verdict})")
        lines.append(f"{pair}, 95% intervals: " + "; ".join(parts) + ".")
    return lines


def classifier_uncertainty(data: dict, dataset: str) -> list[str]:
    """Plain sentences on how much a classifier comparison can be trusted: each head against TF-IDF with its
    bootstrap interval, how far the labels agree with themselves (`eval classifier` writes all three), and the
    end-to-end fine-tuning study's best accuracy where it has been run."""
    lines = []
    for pair, c in (data.get("comparisons", {}).get(dataset) or {}).items():
        lo, hi = c["ci95"]
        verdict = "a real difference" if _beyond_chance(c["ci95"]) else "within chance"
        lines.append(f"{pair}: accuracy {c['accuracy_difference']:+.3f}, 95% interval [{lo:+.3f}, {hi:+.3f}] "
                     f"({verdict}).")
    size = data.get("sizes", {}).get(dataset, {})
    agree = size.get("title_agreement")
    if agree and agree.get("agreement") is not None:
        lines.append(f"Label agreement: of {agree['test_postings_with_a_training_title']} test postings whose title "
                     f"also occurs in training, {agree['labelled_as_that_title_mostly_is']} "
                     f"({agree['agreement']:.0%}) carry that title's usual category, a rough ceiling for any classifier.")
    copies = size.get("near_copy_agreement")
    if copies and copies.get("agreement") is not None:
        lines.append(f"Of {copies['test_postings_with_a_near_copy_in_training']} test postings that are near copies "
                     f"of a training posting (the same job reposted), {copies['same_category_as_the_copy']} "
                     f"({copies['agreement']:.0%}) carry the copy's category: no classifier reading the text does "
                     f"better on them.")
    if dataset == CEILING_STUDY[0] and (best := _ceiling_best()):
        lines.append(f"Upper bound for a model of this size: all-MiniLM-L6-v2 fine-tuned end to end as a classifier on "
                     f"the same split reaches accuracy {best['accuracy']:.3f} at its best epoch, chosen on the test "
                     f"postings themselves (`python {CEILING_STUDY[1]}`).")
    return lines


def _ceiling_best() -> dict | None:
    try:
        return json.loads((config.artifacts_dir() / CEILING_STUDY[2]).read_text())["best_epoch_on_test"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def bench_results() -> dict[str, dict]:
    """Every artifacts/bench/*.json, by file stem (unreadable files are left out)."""
    out = {}
    for path in sorted((config.artifacts_dir() / "bench").glob("*.json")):
        try:
            out[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return out


def numeric_leaves(obj, prefix: str = "", limit: int = 60) -> list[tuple[str, float]]:
    """('latency_ms.all.p95', 162.1) pairs of a nested JSON, for a compact table of a benchmark."""
    out: list[tuple[str, float]] = []

    def walk(value, path):
        if len(out) >= limit:
            return
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            out.append((path, value))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k))
    walk(obj, prefix)
    return out


def category_counts(db, top: int = 15) -> list[tuple[str, int]]:
    """The most common categories among jobs candidates can see, most common first."""
    rows = db.query(f"SELECT category, COUNT(*) AS n FROM jobs j WHERE {visible_to_candidates_sql('j')} "
                    "GROUP BY category ORDER BY n DESC, category LIMIT ?", [top])
    return [(r["category"] or "(none)", r["n"]) for r in rows]


def models_in_use() -> list[dict]:
    """Which model serves each feature on this machine and where it comes from: trained here, shipped in
    the repository (checksums checked), or a fallback with the reason. Reads versions and manifests only."""
    from engine import shipped
    from engine.coach.generate import ModelMissing, model_dir
    from engine.recsys import encoder as enc

    def source(folder: Path, name: str) -> tuple[str, str]:
        found = shipped.load(name)
        if found and Path(folder).resolve() == found.folder.resolve():
            return "shipped in the repository (checksums pass)", found.version
        return "trained on this machine", ""

    rows = []
    jobrec = enc.jobrec_path()
    where, _ = source(jobrec, shipped.JOB_REC) if jobrec else ("fallback", "")
    rows.append({"feature": "Recommendations, similar jobs", "model": "Job-Rec-v1" if jobrec else "all-MiniLM-L6-v2 (pretrained)",
                 "version": enc.model_version(), "source": where, "notice": enc.encoder_notice() or ""})
    from engine.occupations.head import head_for, trained_path

    head = head_for(enc.model_version())
    if head is None:
        rows.append({"feature": "Occupations of jobs and profiles", "model": "the encoder above, without a head",
                     "version": enc.model_version(), "source": "fallback",
                     "notice": "No occupation head for this encoder: run `python -m engine train occupation-head`."})
    else:
        rows.append({"feature": "Occupations of jobs and profiles", "model": "Job-Rec-v2 (Job-Rec-v1 + occupation head)",
                     "version": f"{enc.model_version()}+{head.version}",
                     "source": "trained on this machine" if head.folder == trained_path()
                     else "shipped in the repository (checksums pass)",
                     "notice": ""})
    try:
        where, version = source(model_dir(), shipped.COACH)
        rows.append({"feature": "Interview coach, GPT modes", "model": "coach GPT", "version": version,
                     "source": where, "notice": ""})
    except ModelMissing as exc:
        rows.append({"feature": "Interview coach, GPT modes", "model": "none (closest corpus answers only)",
                     "version": "", "source": "fallback", "notice": str(exc)})
    return rows


def model_cards() -> list[dict]:
    """The manifests of the shipped models (files, checksums, training command and commit, data, metrics,
    intended use, limits), each with whether its checksums pass here."""
    from engine import shipped

    return shipped.all_manifests()
