"""The corpus as training reads it: the cache of segmented corpora, its documents and resamples,
and item sequences (Item2Vec)."""
