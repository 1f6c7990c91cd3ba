"""Starts the background worker thread once per server process (mail delivery, recording clean-up), unless
worker processes do that work (JOBEXPRESSWAY_WORKER=external): see engine.worker."""
import streamlit as st

from engine.worker import start_in_process


@st.cache_resource
def start_background_work():
    return start_in_process()
