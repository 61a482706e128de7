"""Pure rules about patients and diagnoses (no Django imports)."""
