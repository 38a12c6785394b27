"""Community tree-planting micro-grants: the worked example of docs/writing-a-plugin.md.

Municipalities, NGOs and initiative groups ask for a small grant to plant trees with their
residents and to water and care for them afterwards.
"""

__version__ = "1.0"
