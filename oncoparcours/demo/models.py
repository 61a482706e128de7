from django.db import models
from django.utils import timezone


class DemoDataset(models.Model):
    """Marks that the synthetic demo region was loaded (makes `oncoparcours demo` idempotent)."""

    seed = models.IntegerField()
    patients = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)
    # The personal reporting link of one demo patient, printed with the demo logins (synthetic
    # data only: real links are never stored in clear).
    patient_link_token = models.CharField(max_length=100, blank=True)
    # The link a CAR-T patient's relative uses (the neurological watch after infusion).
    caregiver_link_token = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"demo seed {self.seed}, {self.patients} patients"
