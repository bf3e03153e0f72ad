"""accord: Pact contract testing in pure Python."""

__version__ = "0.1.0"
