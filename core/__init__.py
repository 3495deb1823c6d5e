"""Seller Growth Toolkit: the product's logic. Never imports Streamlit (DESIGN §1.2)."""
