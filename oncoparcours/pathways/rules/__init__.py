"""Pure rules of the pathway engine (no Django imports): schema, scheduling, transitions."""
