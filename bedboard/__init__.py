"""bedboard: live availability of emergency beds and who pays for each night."""

__version__ = "0.1.0"
