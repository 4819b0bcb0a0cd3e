"""Durable stack state: the `StateStore` protocol and its SQLite implementation."""
