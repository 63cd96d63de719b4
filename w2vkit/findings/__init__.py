"""Findings and their uncertainty: expand (analysis), axes with checked poles (axes), comparing two
models (comparison) or two texts (referencing), stability across resampled members.
"""
