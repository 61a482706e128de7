"""Pure trial-matching rules (no Django): patient facts, eligibility trees, ranking."""
