"""Mechanical fixes: the catalog and the pure decisions around it."""
