"""Data shipped with accord's analyses: a derived subset of PA-X v10 (see PAX-CITATION.txt)."""
