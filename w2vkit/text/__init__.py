"""Text, in three folders that point down: `reading` raw inputs (files, encodings, compression,
paragraphs, built-in corpora, tables as corpora), `segmenting` them (jieba / rjieba words or
characters, English tokens, variant characters and notes, new-word discovery, the glue split,
phrases, the pipeline and the segment command's output folder), and the `corpus` training reads
(the cache of segmented corpora, documents and resamples, item sequences).
"""
