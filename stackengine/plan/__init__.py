"""Planning: what a deployment would change (`diff`), as an immutable `ChangeSet`."""
