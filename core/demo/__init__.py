"""Deterministic demo marketplace generator (`python -m core.demo`): sellers at every stage and their activity."""
