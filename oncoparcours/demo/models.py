from django.db import models
from django.utils import timezone


class DemoDataset(models.Model):
    """Marks that the synthetic demo region was loaded (makes `oncoparcours demo` idempotent)."""

    seed = models.IntegerField()
    patients = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"demo seed {self.seed}, {self.patients} patients"
