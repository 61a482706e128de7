"""French translations of the 2026-12-04 clinical-safety leftovers (branch safety)."""

T = {
    "Hospitalisation prolonged": "Prolongation d'hospitalisation",
}
