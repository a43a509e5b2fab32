"""Display routes."""
