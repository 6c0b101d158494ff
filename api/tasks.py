from celery import shared_task

from . import services


@shared_task(name="api.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return services.idempotency_purge()
