from django.urls import path

from .views import efs, icu, infusion, orders, storage

app_name = "celltherapy"

ORDER = "patients/<uuid:patient_id>/car-t/<uuid:order_id>/"

urlpatterns = [
    path("therapie-cellulaire/", orders.order_list, name="orders"),
    path("therapie-cellulaire/cuves/", storage.tank_list, name="tanks"),
    path("therapie-cellulaire/cuves/<uuid:tank_id>/", storage.tank_detail, name="tank"),
    path(
        "therapie-cellulaire/excursions/<int:excursion_id>/acquitter/",
        storage.excursion_acknowledge,
        name="excursion_acknowledge",
    ),
    path("patients/<uuid:patient_id>/car-t/nouveau/", orders.order_create, name="order_create"),
    path(ORDER, orders.order_detail, name="order"),
    path(ORDER + "etape/", orders.order_step, name="order_step"),
    path(ORDER + "tracabilite/", orders.custody_event, name="custody_event"),
    path(ORDER + "controle-au-lit/", orders.bedside_check, name="bedside"),
    path(ORDER + "etiquette.pdf", orders.order_label, name="label"),
    path(ORDER + "tocilizumab/", infusion.tocilizumab, name="tocilizumab"),
    path(ORDER + "benefice-risque/", infusion.benefit_risk, name="benefit_risk"),
    path(ORDER + "cytokines-neurotoxicite/", infusion.treatments, name="treatments"),
    path("efs/", efs.centre_day, name="efs_day"),
    path("efs/<uuid:centre_id>/", efs.centre_day, name="efs_centre_day"),
    path("efs/demandes/<uuid:booking_id>/", efs.booking_detail, name="booking"),
    path("patients/<uuid:patient_id>/efs/demande/", efs.booking_request, name="booking_request"),
    path("therapie-cellulaire/lits/", efs.beds, name="beds"),
    path("therapie-cellulaire/reanimation/", icu.icu_page, name="icu_beds"),
    path(
        "therapie-cellulaire/reanimation/<uuid:reservation_id>/",
        icu.reservation_answer,
        name="reservation_answer",
    ),
    path(ORDER + "lit-reanimation/", icu.bed_request, name="bed_request"),
    path(
        ORDER + "lit-reanimation/<uuid:reservation_id>/annuler/",
        icu.bed_cancel,
        name="bed_cancel",
    ),
    path(ORDER + "date-de-perfusion/", icu.infusion_date, name="infusion_date"),
]
