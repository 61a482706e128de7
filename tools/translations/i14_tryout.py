"""French translations of the strings added for the last cold try-out of issue 14."""

T = {
    # celltherapy: the order page offers only the steps the service accepts now
    "Infusion not possible at the moment": "Perfusion impossible pour le moment",
}

PLURALS: dict[str, tuple[str, str]] = {}
