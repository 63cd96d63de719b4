"""The contrast family: a word across the groups, periods and covariates of one table (embedding
regression, conText's method). Its one door is `contrast`; the regression, the neighbour ratio,
the scan and the modules they rest on are asked through it (w2vkit.operations declares it), and
`columns_named`, the columns a --by spec names (year:number is the column year), for a front end
that checks them before any work."""

from .contrasting import contrast
from .design import columns_named

__all__ = ["columns_named", "contrast"]
