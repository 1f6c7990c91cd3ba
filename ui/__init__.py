"""Streamlit-side helpers shared by Home.py and pages/: session, database handle, common widgets.
Only the UI layer imports this package; engine/ never does."""
