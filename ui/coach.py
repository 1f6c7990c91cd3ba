"""Interview Coach page helpers: the progress chart and the report list."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from engine.coach import mock, sessions


def history_chart(rows: list[dict]):
    df = pd.DataFrame(rows)
    df["finished"] = pd.to_datetime(df["finished_at"])
    fig = px.line(df, x="finished", y="score", color="track", markers=True, range_y=[0, 100],
                  labels={"finished": "Finished", "score": "Overall score", "track": "Track"},
                  hover_data=["level"])
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10))
    return fig


def show_history(db, actor) -> None:
    rows = sessions.history(db, actor)
    st.subheader("Your mock interviews")
    if not rows:
        st.info("No mock interviews yet. Start one in the coach above: your reports appear here with your progress.")
        return
    st.plotly_chart(history_chart(rows), width="stretch")
    for row in reversed(rows[-10:]):
        label = f"{row['finished_at'][:16].replace('T', ' ')} · {row['track']} · {row['level']} · {row['score']:.0f}/100"
        with st.expander(label):
            st.markdown(mock.report_markdown(sessions.get_report(db, actor, row["id"])))
