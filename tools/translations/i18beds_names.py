"""French names of the bed reservation models (the all-French model names test)."""

T = {
    "bed reservation": "réservation de lit",
    "bed reservations": "réservations de lit",
    "bed reservation event": "événement de réservation de lit",
    "bed reservation events": "événements de réservation de lit",
}
