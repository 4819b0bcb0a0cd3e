"""The `stackengine` command line: thin click commands over the engine."""
