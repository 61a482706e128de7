"""Pure rules of the indicators (no Django imports)."""
