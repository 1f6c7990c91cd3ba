"""The Model Lab's occupations section: O*NET's attribution and `eval occupations` side by side."""
from __future__ import annotations

import json

import streamlit as st

from engine import config
from engine.occupations.table import ATTRIBUTION, load_table


def render_occupations() -> None:
    st.header("Occupations (O*NET)")
    table = load_table()
    st.caption(f"{len(table.occupations):,} occupations, {len(table.alternate_titles):,} alternate titles, "
               f"{len(table.technologies):,} technology skills. {ATTRIBUTION}")
    path = config.artifacts_dir() / "metrics" / "eval_occupations.json"
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        st.info("No evaluation yet: run `python -m engine eval occupations --json`.")
        return
    st.markdown(f"Held-out alternate titles -> occupation ({result['queries']:,} titles no ranker read):")
    st.dataframe([{"model": name, **{k: v for k, v in row.items() if k != "seconds"}}
                  for name, row in result["results"].items()], hide_index=True)
