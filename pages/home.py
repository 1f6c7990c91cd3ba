"""Landing page."""
import streamlit as st

st.title("JobExpressway")
st.write("Find the right job, build a strong resume, practise interviews and follow every application to its end.")
