"""Use cases of the shop, one unit of work per call, handing out frozen domain records."""
