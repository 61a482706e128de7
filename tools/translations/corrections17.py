"""French translations of the re-import correction rules (issue 17 cold try-out)."""

T = {
    "A staging of this diagnosis is more than 90 days before this date.": (
        "Une stadification de ce diagnostic est antérieure de plus de 90 jours à cette date."
    ),
}
