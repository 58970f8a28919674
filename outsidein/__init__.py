"""Outside-In: listen to customers, understand them, measure honestly, act together."""

__version__ = "0.1.0"
