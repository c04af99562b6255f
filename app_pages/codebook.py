"""Codebook: the code tree with definitions, criteria and how often each code is used."""

import streamlit as st

from workbench.services.codebook import codebook_overview
from workbench.ui import session
from workbench.ui.render import safe_color

ws = session.require_workspace()
st.title("Codebook")
st.caption("Codes with their definitions and inclusion / exclusion criteria; grouping nodes are not codable.")
with session.shown_errors():
    entries = codebook_overview(ws)
    if not entries:
        st.info("The project has no codes yet.")
    for entry in entries:
        code = entry.code
        color = safe_color(code.color)
        # Em spaces: leading plain spaces would turn the label into a code block.
        indent = "\u2003" * entry.depth + ("↳ " if entry.depth else "")
        noun = "coding" if entry.count == 1 else "codings"
        label = f"{indent}{code.name} · {entry.count} {noun}" + ("" if code.codable else " (group)")
        with st.expander(label):
            st.markdown(f"<span style='background:{color};padding:0 1em'>&nbsp;</span> `{color}`",
                        unsafe_allow_html=True)  # fmt: skip
            st.write("**Definition.**", code.definition or "-")
            st.write("**Use when.**", code.inclusion or "-")
            st.write("**Do not use when.**", code.exclusion or "-")
            for example in code.examples:
                st.caption(f"“{example}”")
