"""Picket: real-time sanctions-enforcement monitoring over AIS, launch and news feeds."""

__version__ = "0.1.0"
