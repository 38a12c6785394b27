"""In-repo competition plugins: each subfolder with a plugin.py is one plugin."""
