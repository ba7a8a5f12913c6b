"""Adiuva Companion's local work: the workspace store, the tool catalogue, agents.

Imports neither ``bridge`` nor ``desktop`` and never Qt.
"""

__version__ = "0.1.0"
