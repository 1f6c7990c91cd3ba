"""Starts the outbox sender thread once per server process (only when SMTP_HOST is configured)."""
import streamlit as st

from engine.mail import start_background_sender


@st.cache_resource
def start_mail_sender():
    return start_background_sender()
