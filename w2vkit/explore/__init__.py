"""`w2vkit explore`: the model, its uncertainty and the passages behind it, in a local web page."""
