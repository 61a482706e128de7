"""Pure rules of home follow-up: grading (triage contract) and triage policies."""
