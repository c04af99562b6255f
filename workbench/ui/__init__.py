"""Streamlit glue: the only part of the package that may import streamlit."""
