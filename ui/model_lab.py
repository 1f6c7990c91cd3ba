"""Plotly figures and small renderers for the Model Lab page (UI layer: reads metric dicts, draws)."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from engine.recsys.lab import MetricFile


def missing(file: MetricFile) -> None:
    if file.error:
        st.warning(file.error)
    else:
        st.info(f"No figures yet: `{file.command}` creates `{file.path.name}`.")


def bar_counts(pairs: list[tuple[str, int]], title: str) -> go.Figure:
    labels, values = [p[0] for p in pairs][::-1], [p[1] for p in pairs][::-1]
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h"))
    fig.update_layout(title=title, height=max(260, 24 * len(pairs) + 80), margin=dict(l=10, r=10, t=40, b=10))
    return fig


def confusion_heatmap(cm: dict, title: str = "Confusion matrix (rows: true, columns: predicted)") -> go.Figure:
    columns = cm.get("columns", cm["labels"])
    fig = go.Figure(go.Heatmap(z=cm["matrix"], x=columns, y=cm["labels"], colorscale="Blues",
                               hovertemplate="true %{y}<br>predicted %{x}<br>%{z}<extra></extra>"))
    fig.update_layout(title=title, height=max(420, 22 * len(cm["labels"]) + 160),
                      yaxis=dict(autorange="reversed"), margin=dict(l=10, r=10, t=40, b=10))
    return fig


def curve(points: list[dict], x: str, series: dict[str, str], title: str, y_title: str) -> go.Figure:
    fig = go.Figure()
    for key, label in series.items():
        ys = [p.get(key) for p in points]
        if any(v is not None for v in ys):
            fig.add_trace(go.Scatter(x=[p[x] for p in points], y=ys, mode="lines+markers", name=label))
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y_title, height=360, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def grouped_bars(table: dict[str, dict], metrics: list[str], title: str) -> go.Figure:
    """One group per metric, one bar per model."""
    fig = go.Figure()
    for model, row in table.items():
        if isinstance(row, dict):
            fig.add_trace(go.Bar(name=model, x=metrics, y=[row.get(m) for m in metrics]))
    fig.update_layout(title=title, barmode="group", yaxis=dict(range=[0, 1]), height=360,
                      margin=dict(l=10, r=10, t=40, b=10))
    return fig


def metric_rows(table: dict[str, dict], metrics: list[str]) -> list[dict]:
    return [{"model": model, **{m: row.get(m) for m in metrics}} for model, row in table.items() if isinstance(row, dict)]


def model_card(card: dict) -> None:
    """One shipped model's manifest as a card: its check, use and limits, training, data, metrics, files."""
    files = card.get("files") or {}
    size = sum(f.get("bytes", 0) for f in files.values()) / 1e6
    with st.container(border=True):
        st.markdown(f"**{card.get('title') or card.get('name')}** · `{card.get('name')}` version "
                    f"`{card.get('version', '?')}` · {size:.1f} MB · {card.get('form', '')}")
        if card.get("verified"):
            st.caption(":material/verified: checksums pass: this is the model served when none is trained here.")
        else:
            st.warning(f"Not used: {card.get('problem')}")
        if card.get("intended_use"):
            st.markdown(f"*Intended use:* {card['intended_use']}")
        if card.get("limits"):
            st.markdown(f"*Limits:* {card['limits']}")
        trained = card.get("trained_by") or {}
        st.caption(f"Trained by `{trained.get('command', '?')}` at commit `{trained.get('commit', '?')}`"
                   + (f", {trained['trained_at']}" if trained.get("trained_at") else "")
                   + f"; shipped {card.get('shipped_at', '?')}.")
        with st.expander("Data, metrics and files"):
            st.markdown("Data it saw (names and sizes)")
            st.json(card.get("data") or card.get("catalogue") or {}, expanded=False)
            st.markdown("Metrics")
            st.json(card.get("metrics") or {}, expanded=False)
            st.dataframe([{"file": name, "bytes": f.get("bytes"), "sha256": f.get("sha256")}
                          for name, f in files.items()], hide_index=True)
