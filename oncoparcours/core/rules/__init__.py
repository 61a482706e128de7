"""Pure rules (no Django imports) shared by several apps."""
