"""Evaluation: the benchmark sets (evalsets), analogies and word similarity (evaluate), next-item
prediction for item models (nextitem).
"""
