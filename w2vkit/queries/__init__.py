"""Queries over a saved model, without gensim: neighbours, similarity, analogies (query), the
interactive shell, and what info says of a model.
"""
