"""Pure numeric core for the Measure pages: metrics, significance, key drivers, customer value.

Nothing in this package imports Django, so it can be tested and benchmarked on its own and fed
from raw rows or from rollups alike.  Import the submodules directly
(``from outsidein.analytics.metrics import nps_from_counts``); this file stays light so that
importing the package does not pull in pandas or scipy.
"""
