"""Sentence vectors and search: SIF embeddings of lines (embed), a vector index in Faiss or numpy
(vectorindex) or Milvus (milvusindex).
"""
