"""Intrinsic functions: static reference discovery, the evaluator and one function per intrinsic."""
