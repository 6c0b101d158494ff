from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Support cases")

    def ready(self):
        from .incident_selectors import forget_on_change
        from .models import Incident, IncidentUpdate

        # Every customer page shows the active incidents from the cache: any write to an
        # incident or its updates, whichever code makes it (the services, the admin, the
        # probes), makes readers fetch them afresh once it commits.
        for model in (Incident, IncidentUpdate):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    forget_on_change,
                    sender=model,
                    dispatch_uid=f"incidents:{model.__name__}:{name}",
                )
