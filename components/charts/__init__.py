"""Pure Altair chart builders over plain data, one module per area; they never import Streamlit."""
