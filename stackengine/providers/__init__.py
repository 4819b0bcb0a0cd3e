"""Providers: where resources are created. `base` holds the protocol every provider implements."""
