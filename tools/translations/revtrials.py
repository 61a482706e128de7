"""French for the review fixes of trial matching (branch revtrials)."""

T = {
    "ERBB2 amplified": "ERBB2 amplifié",
    "ERBB2 not amplified": "ERBB2 non amplifié",
}
