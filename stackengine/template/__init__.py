"""Template loading and the template model."""
