"""The only place environment variables are read; each one is documented here.

ember reads no environment variables yet. When one is added, read it here, once, at import,
and document its name, type, default and effect in this docstring.
"""
