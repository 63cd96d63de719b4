"""Text: reading raw inputs (encodings, compression, paragraphs), segmenting them (jieba / rjieba,
English tokenising, new-word discovery, the glue split, phrases), the segment command's output
folder, the training corpus cache and the file it holds, documents and passages (kwic), item
sequences.
"""
