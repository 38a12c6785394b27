"""GMS: a plug-in based grant and competition management system."""

__version__ = "0.1.0"
