"""Pictures: t-SNE maps as PNG (plotting), an offline HTML map (webmap), axis plots, and the CJK font
that makes their labels render.
"""
