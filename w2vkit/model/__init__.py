"""The model format and what reads and writes it: a folder of vectors.npy, vocab.tsv and meta.json
(store, modelfolder, metacheck), character n-grams (subwords), bootstrap members, gensim's training
state, post-processing of vectors, word2vec-format import and export.
"""
