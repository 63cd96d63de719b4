"""Segmenting: Chinese words (jieba / rjieba) or characters, English tokens, variant characters
and editorial notes, new-word discovery, the glue split, phrases, and the pipeline that streams
segmented text into the corpus file or the segment command's folder."""
