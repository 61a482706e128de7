"""OncoParcours: coordination of graded cancer care pathways in France."""

__version__ = "0.1.0"
