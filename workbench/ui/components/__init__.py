"""Custom Streamlit components (components v2: inline HTML, CSS and JavaScript, no network)."""
