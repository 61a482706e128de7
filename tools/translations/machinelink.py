"""French translations of the strings added on branch machinelink (EFS machine linked to the
planned machine; a booking whose plan session was dropped goes back to be scheduled)."""

T = {
    "planned as": "machine du plan",
    "The machine of the centre's chair and machine plan that is this machine: a published plan "
    "places the bookings on it.": "La machine du plan des fauteuils et machines du centre qui "
    "correspond à cette machine : un plan publié y place les réservations.",
    "“%(resource)s” is a machine of another centre's plan (%(centre)s): link a machine of this "
    "centre's plan.": "« %(resource)s » est une machine du plan d'un autre centre (%(centre)s) : "
    "liez une machine du plan de ce centre.",
    "The machine was not saved.": "La machine n'a pas été enregistrée.",
    "“%(resource)s” is already linked to the EFS machine “%(machine)s”.": "« %(resource)s » est "
    "déjà liée à la machine EFS « %(machine)s ».",
    "no EFS machine of the centre is linked to “%(name)s” (planned as).": "aucune machine EFS du "
    "centre n'est liée à « %(name)s » (machine du plan).",
    "its session has started: record it done or cancelled on the booking's page.": "sa séance a "
    "commencé : enregistrez-la faite ou annulée sur la page de la réservation.",
    "EFS booking %(reference)s: its slot at %(time)s (%(resource)s) is no longer in the plan, "
    "but it keeps it — %(reason)s": "Réservation EFS %(reference)s : son créneau de %(time)s "
    "(%(resource)s) n'est plus dans le plan, mais elle le garde — %(reason)s",
    "EFS booking %(reference)s: its slot at %(time)s (%(resource)s) is no longer in the plan; "
    "it is back to be scheduled (slot and machine cleared).": "Réservation EFS %(reference)s : "
    "son créneau de %(time)s (%(resource)s) n'est plus dans le plan ; elle est de nouveau à "
    "planifier (créneau et machine libérés).",
    "EFS booking %(reference)s, scheduled at %(time)s, is not placed in this version: it keeps "
    "its time; change it on the booking's page.": "La réservation EFS %(reference)s, programmée "
    "à %(time)s, n'est pas placée dans cette version : elle garde son horaire ; modifiez-le sur "
    "la page de la réservation.",
    "planned as %(name)s": "dans le plan : %(name)s",
}
