"""Built-in scenarios shipped with accord (data files only)."""
