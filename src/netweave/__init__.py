"""netweave: design, meet, weave and measure purpose-driven networks."""

__version__ = "0.1.0"
