"""The low-resource loop: zero-shot predictions, pseudo-labels, people labelling what the
model is unsure of, retraining, and a watch for drift.

:mod:`xproj.loop.strategies` holds the active-learning query strategies by name.
"""

from .strategies import STRATEGIES, select, uncertainty

__all__ = ["STRATEGIES", "select", "uncertainty"]
