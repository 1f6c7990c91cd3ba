"""Model Lab: how good the models are, from the metric files the train/eval/bench commands write.
Open to everyone, guests included. Nothing is trained or loaded here."""
import streamlit as st

from engine.recsys import lab
from ui import model_lab as view
from ui.accountability import fairness_tab
from ui.occupations_lab import render_occupations
from ui.session import db

st.title("Model Lab")
st.caption("Every figure here comes from a file written by a command (shown beside it); nothing is retrained "
           "when this page loads.")

tabs = st.tabs(["Data", "Category classifier", "Recommendations", "Fraud screening", "Interview coach",
                "Models served", "Speed", "Fairness"])

with tabs[0]:
    st.subheader("Jobs in this database")
    try:
        counts = lab.category_counts(db())
    except Exception as exc:  # a broken database must not take the page down
        st.error(f"The job database cannot be read: {exc}")
        counts = []
    if counts:
        st.plotly_chart(view.bar_counts(counts, "Top categories of open jobs"), width="stretch")
    else:
        st.info("No open jobs in this database yet: post or import jobs to see their categories here.")

with tabs[1]:
    st.subheader("Category classifier")
    clf = lab.read_metrics("classifier")
    if clf.data is None:
        view.missing(clf)
    else:
        m = clf.data
        st.write(f"{m.get('model', '')} on **{m.get('encoder', '?')}** embeddings; {m.get('postings', '?')} postings, "
                 f"{m.get('classes', '?')} categories, {m.get('split', '')}. Data: {m.get('data', '')}.")
        cols = st.columns(4)
        cols[0].metric("Accuracy", f"{m['accuracy']:.3f}")
        cols[1].metric("Weighted F1", f"{m['weighted_f1']:.3f}")
        cols[2].metric("Macro F1", f"{m['macro_f1']:.3f}")
        cols[3].metric("Majority class", f"{m.get('majority_class_accuracy', 0):.3f}")
        keys = ["accuracy", "weighted_precision", "weighted_recall", "weighted_f1", "macro_precision",
                "macro_recall", "macro_f1"]
        st.dataframe([{"metric": k, "value": m.get(k)} for k in keys], hide_index=True)
        if m.get("learning_curve"):
            st.plotly_chart(view.curve(m["learning_curve"], "epoch", {"train_accuracy": "train",
                                                                      "test_accuracy": "test"},
                                       "Learning curve (partial_fit, one pass per epoch)", "accuracy"), width="stretch")
        if m.get("confusion_matrix"):
            st.plotly_chart(view.confusion_heatmap(m["confusion_matrix"]), width="stretch")
        st.caption(f"`{clf.command}` -> {clf.path.name}")
    comp = lab.read_metrics("eval_classifier")
    st.subheader("Classifiers compared on the same split")
    if comp.data is None:
        view.missing(comp)
    else:
        for name, table in comp.data.get("datasets", {}).items():
            if "skipped" in table:
                st.info(f"{name}: {table['skipped']}")
                continue
            size = comp.data.get("sizes", {}).get(name, {})
            st.markdown(f"**{name}** (train {size.get('train', '?')}, test {size.get('test', '?')}, "
                        f"{size.get('classes', '?')} classes; {size.get('split', '')})")
            metrics = ["accuracy", "weighted_f1", "macro_f1"]
            st.dataframe(view.metric_rows(table, metrics), hide_index=True)
            for line in lab.classifier_uncertainty(comp.data, name):
                st.caption(line)
            st.plotly_chart(view.grouped_bars(table, metrics, name), width="stretch")
        st.caption(f"`{comp.command}` -> {comp.path.name}")

with tabs[2]:
    st.subheader("Retrieval: profile -> jobs")
    rec = lab.read_metrics("eval_recsys")
    if rec.data is None:
        view.missing(rec)
    else:
        st.write(rec.data.get("what", ""))
        if rec.data.get("models_missing"):
            st.warning("Not evaluated (not trained on this machine): " + ", ".join(rec.data["models_missing"]))
        for name, table in rec.data.get("datasets", {}).items():
            if "skipped" in table:
                st.info(f"{name}: {table['skipped']}")
                continue
            size = rec.data.get("sizes", {}).get(name, {})
            st.markdown(f"**{name}** (corpus {size.get('corpus', '?')}, queries {size.get('queries', '?')})")
            metrics = ["P@5", "nDCG@10", "MRR@10"]
            st.dataframe(view.metric_rows(table, metrics), hide_index=True)
            st.plotly_chart(view.grouped_bars(table, metrics, name), width="stretch")
            for line in lab.retrieval_gaps(rec.data, name):
                st.caption(line)
        st.caption(f"`{rec.command}` -> {rec.path.name}")
    card = lab.read_metrics("job_rec")
    if card.data is not None and card.data.get("evaluation"):
        st.markdown("**Job-Rec-v1 model card: held-out retrieval before and after fine-tuning**")
        st.json(card.data["evaluation"], expanded=False)

with tabs[3]:
    st.subheader("Fraudulent-posting screening (EMSCAD)")
    fr = lab.read_metrics("fraud")
    if fr.data is None:
        view.missing(fr)
    else:
        m = fr.data
        chosen = m["variants"][m["chosen"]]
        at = chosen["at_prior_threshold"]
        st.write(f"{m['data']['postings']} postings, {m['data']['fraudulent']} fraudulent. {m['protocol']}.")
        st.warning(m["data"]["note"])
        cols = st.columns(4)
        cols[0].metric("F1 (fraud)", f"{chosen['f1']:.3f}")
        cols[1].metric("ROC-AUC", f"{chosen['roc_auc']:.3f}")
        cols[2].metric("PR-AUC", f"{chosen['pr_auc']:.3f}")
        cols[3].metric("Precision at 4.8% prior", f"≥ {at['precision_at_prior_conservative']:.3f}",
                       help=f"threshold {at['threshold']}: recall {at['tpr']:.3f}, false-positive rate {at['fpr']:.4f} "
                            f"(point estimate {at['precision_at_prior']:.3f}); the bound uses the 95% upper bound of "
                            "the false-positive rate, since few legitimate postings were tested")
        metrics = ["f1", "precision", "recall", "roc_auc", "pr_auc", "pr_auc_at_prior"]
        st.dataframe(view.metric_rows(m["variants"], metrics), hide_index=True)
        st.plotly_chart(view.grouped_bars(m["variants"], metrics, "Cross-validated, fraudulent class"), width="stretch")
        st.markdown("Published results on the full EMSCAD file (4.8% fraudulent): " +
                    "; ".join(f"{k} {v}" for k, v in m.get("published_emscad", {}).items()))
        if m.get("generated_jobs_flagged"):
            g = m["generated_jobs_flagged"]
            st.caption(f"Sanity check: {g['flagged']} of {g['jobs']} generated (legitimate) postings would wait for "
                       f"review; median score {g['median_score']}.")
        st.caption(f"`{fr.command}` -> {fr.path.name}")

with tabs[4]:
    st.subheader("Interview coach (Keras GPT)")
    co = lab.read_metrics("coach")
    if co.data is None:
        view.missing(co)
    else:
        m = co.data
        held = m.get("heldout") or {}
        cols = st.columns(3)
        if held.get("perplexity") is not None:
            cols[0].metric("Held-out perplexity", f"{held['perplexity']:.1f}")
        if held.get("accuracy") is not None:
            cols[1].metric("Next-token accuracy", f"{held['accuracy']:.3f}")
        if m.get("baseline_unigram_heldout_perplexity"):
            cols[2].metric("Unigram baseline perplexity", f"{m['baseline_unigram_heldout_perplexity']:.1f}")
        if m.get("history"):
            st.plotly_chart(view.curve(m["history"], "epoch", {"loss": "train", "dev_loss": "dev",
                                                               "heldout_loss": "held-out"},
                                       "Loss per epoch", "loss"), width="stretch")
            st.plotly_chart(view.curve(m["history"], "epoch", {"accuracy": "train", "dev_accuracy": "dev",
                                                               "heldout_accuracy": "held-out"},
                                       "Next-token accuracy per epoch", "accuracy"), width="stretch")
        if m.get("confusion_top30_heldout"):
            st.plotly_chart(view.confusion_heatmap(m["confusion_top30_heldout"],
                                                   "Top-30 tokens: true vs predicted (held-out)"), width="stretch")
        st.caption(f"`{co.command}` -> {co.path.name}")

with tabs[5]:
    st.subheader("Models served here")
    try:
        st.dataframe(lab.models_in_use(), hide_index=True)
    except Exception as exc:  # a damaged model folder must not take the page down
        st.error(f"The models in use cannot be read: {exc}")
    st.subheader("Model cards of the shipped models")
    st.caption("What a fresh clone serves (`artifacts/models/shipped/`); `python -m engine models` checks them, "
               "`python -m engine ship TARGET` replaces one with the model trained here.")
    cards = lab.model_cards()
    if not cards:
        st.info("No shipped models in this checkout: recommendations use the pretrained all-MiniLM-L6-v2.")
    for card in cards:
        view.model_card(card)

with tabs[6]:
    st.subheader("Speed")
    bench = lab.bench_results()
    if not bench:
        st.info("No benchmark results yet: the scripts in `bench/` (e.g. `python bench/recsys.py`) write "
                "artifacts/bench/*.json.")
    for name, result in bench.items():
        st.markdown(f"**{name}**" + (f": {result['what']}" if isinstance(result.get("what"), str) else ""))
        st.dataframe([{"figure": k, "value": v} for k, v in lab.numeric_leaves(result)], hide_index=True)

with tabs[7]:
    fairness_tab(lab.read_metrics("fairness"))

render_occupations()
