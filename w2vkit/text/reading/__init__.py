"""Reading raw inputs: files and their encodings, built-in corpora, tables (TSV, CSV, JSON Lines)
as corpora, normalised text and the start of an input read once."""
