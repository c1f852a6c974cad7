"""Exports for hands-free use; each is a pure function of the script (text in, text out)."""
