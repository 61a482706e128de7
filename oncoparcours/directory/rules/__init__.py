"""Pure rules of the referential (no Django imports)."""
