T = {
    # EFS bookings follow a published machine plan (celltherapy/services/machine_plan.py)
    "no EFS machine of the centre is named “%(name)s”.": "aucune machine EFS du centre ne s'appelle « %(name)s ».",
    "this booking is closed.": "cette réservation est close.",
    "Session at %(time)s (%(resource)s): EFS booking not updated — %(reason)s": "Séance de %(time)s (%(resource)s) : réservation EFS non mise à jour — %(reason)s",
    "EFS bookings placed at their planned time: %(n)s.": "Réservations EFS placées à l'heure du plan : %(n)s.",
    "An EFS booking scheduled at %(time)s is not placed in this version: it keeps its time; change it on the booking's page.": "Une réservation EFS programmée à %(time)s n'est pas placée dans cette version : elle garde son heure ; modifiez-la sur la page de la réservation.",
    # CAR-T order page: the apheresis booking
    "wanted between %(start)s and %(end)s": "souhaitée entre le %(start)s et le %(end)s",
}
