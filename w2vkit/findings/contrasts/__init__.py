"""The contrast family: a word across the groups, periods and covariates of one table (embedding
regression, conText's method). Its one door is `contrast`; the regression, the neighbour ratio,
the scan and the modules they rest on are asked through it (w2vkit.operations declares it)."""

from .contrasting import contrast

__all__ = ["contrast"]
