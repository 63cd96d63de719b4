"""Training: the options (trainoptions), gensim Skip-gram/CBOW and FastText (fitting), the PPMI-SVD
count model (countmodel), and the train command's whole run (trainer).
"""
