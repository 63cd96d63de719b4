"""Each operation the front ends ask, declared once (declared.py), and a page's request read by the
declaration and written back as the command line that asks the same (requests.py)."""
