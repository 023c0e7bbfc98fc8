"""capweekly: a weekly small-cap versus large-cap newsletter generator.

Nothing is imported here on purpose: `capweekly --help` must start fast, so each
stage's heavy dependencies (pandas, matplotlib, WeasyPrint) load only when used.
"""

__version__ = "0.1.0"
