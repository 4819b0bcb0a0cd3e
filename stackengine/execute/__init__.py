"""Execution: change sets applied through a `Provider`, recorded in a `StateStore`."""
