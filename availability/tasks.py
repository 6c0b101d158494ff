"""Celery tasks of the availability probes: thin wrappers over the services, ids in."""

from datetime import datetime

from celery import shared_task

from . import services


@shared_task(name="availability.run_probes")
def run_probes_task(now: str | None = None) -> int:
    """Beat runs this every minute: one `run_probe` per enabled probe, each on its own,
    so a hanging endpoint delays only its own probe."""
    return services.schedule_runs(now=datetime.fromisoformat(now) if now else None)


@shared_task(name="availability.run_probe")
def run_probe_task(probe_id: int, at: str) -> int | None:
    """One probe's run for the minute `at` (ISO 8601); a second run of it does nothing.
    The probe never raises: a failure is its result, so there is nothing to retry."""
    result = services.probe_run(probe_id=probe_id, at=datetime.fromisoformat(at))
    return result.pk if result else None


@shared_task(name="availability.purge_results")
def purge_results_task() -> int:
    """Beat runs this daily: probe results past their retention are deleted."""
    return services.purge_results()


@shared_task(name="availability.evaluate")
def evaluate_task(component: str, region_id: int | None, now: str) -> str | None:
    """The contract's rule for one component in one region as of `now` (ISO 8601),
    queued with each recorded result."""
    return services.evaluate(
        component=component, region_id=region_id, now=datetime.fromisoformat(now)
    )
