"""The low-resource loop: zero-shot predictions, pseudo-labels, people labelling what the
model is unsure of, retraining, and a watch for drift.

:mod:`xproj.loop.strategies` holds the active-learning query strategies by name;
:mod:`xproj.loop.pseudo` pseudo-labels and self-training; :mod:`xproj.loop.simulate`
active learning simulated with an oracle over a labelled pool.
"""

from .pseudo import SelfTraining, pseudo_label, self_train
from .simulate import Oracle, Simulation, simulate_active_learning
from .strategies import STRATEGIES, select, uncertainty

__all__ = ["STRATEGIES", "select", "uncertainty", "pseudo_label", "self_train", "SelfTraining", "Oracle",
           "Simulation", "simulate_active_learning"]
