"""Partner Review: score outsourcing partners against what was agreed, report and deliver."""

__version__ = "0.1.0"
