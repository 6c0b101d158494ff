"""Fixtures shared by every test: the personas and their signed-in clients.

Personas: a customer of account A, a customer of account B, and staff in each role:
the TAM of account A (`tam_a`), the TAM of account B (`tam_b`, "the TAM of another
account" from account A's side), an agent, a customer service representative, a support
manager and a superuser.
"""

import json
import os
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from accounts import roles
from core import outbox
from portal.celery import app as celery_app

from .factories import AccountFactory, ContactFactory, StaffFactory, UserFactory
from .object_store import s3_server, s3_storage  # noqa: F401 - fixtures for every test

# CI explores the same examples on every run, so a red run can be reproduced.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

_migrated_rows: str | None = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the rows that data migrations created (staff roles, periodic tasks,
    catalogues): a transactional test ends by flushing the database."""
    global _migrated_rows
    from django.db import connection

    with django_db_blocker.unblock():
        _migrated_rows = connection.creation.serialize_db_to_string()
    yield


@pytest.fixture(autouse=True, scope="session")
def _jinja2_pages_report_their_context():
    """The test client reads a page's context (`response.context`) from the
    template_rendered signal, which Django's test set-up makes only its own engine send:
    the Jinja2 customer pages send it here too."""
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def instrumented(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    backend.Template.render = instrumented
    yield
    backend.Template.render = render


@pytest.fixture(autouse=True)
def _restore_migrated_rows(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from django.db import connection

        from cases.models import SlaPolicy

        if not SlaPolicy.objects.exists():
            # The flush re-created content types, permissions and the role groups (the
            # post_migrate steps), not the data migrations' rows: start from empty
            # tables and load the snapshot whole, as serialized rollback does.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(_migrated_rows)
    yield


@pytest.fixture(autouse=True)
def _fast_and_contained(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run in-process unless a test starts a real worker.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Rendered fragments and rate limits of one test must not leak into the next, whose
    # rows may reuse the same ids after a rollback.
    for alias in ("default", "template_fragments"):
        caches[alias].clear()
    yield
    # A request activates its reader's language and time zone for the thread; the next
    # test starts from the defaults, as a fresh worker does.
    translation.deactivate()
    timezone.deactivate()


def run_in_this_process(task_name: str, args: list, kwargs: dict) -> None:
    celery_app.tasks[task_name].apply(args=args, kwargs=kwargs, throw=True)


@pytest.fixture(autouse=True)
def _outbox_runs_tasks_here():
    """The outbox hands each task to this process, which runs it at once (its errors
    raised), where a worker would run it after the commit. `broker` restores the broker.
    (Not through `monkeypatch`, which a test may undo for its own patches.)"""
    outbox.publish = run_in_this_process
    yield
    outbox.publish = outbox.send_to_broker


@pytest.fixture
def broker(tmp_path):
    """The outbox hands tasks to a real broker, switched between a dead port (`down()`)
    and a working filesystem queue (`up()`, its messages in `queue`)."""
    outbox.publish = outbox.send_to_broker
    queue = tmp_path / "queue"
    queue.mkdir()
    conf = celery_app.conf
    conf.task_always_eager = False
    saved = (conf.broker_url, conf.broker_transport_options)
    saved_retry = (conf.broker_connection_retry, conf.broker_connection_max_retries)

    def point_at(url, options=None):
        celery_app.close()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # broker_url gives way to the CELERY_BROKER_URL variable; the write URL does not.
        conf.broker_url = url
        conf.broker_write_url = url
        conf.broker_transport_options = options or {}
        conf.broker_connection_retry = False
        conf.broker_connection_max_retries = 0

    def down():
        point_at("redis://127.0.0.1:1/6", {"max_retries": 0})

    def up():
        point_at(
            "filesystem://",
            {
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "control_folder": str(tmp_path / "control"),
                "store_processed": False,
            },
        )

    def queued() -> list[str]:
        """The names of the tasks in the queue."""
        return sorted(json.loads(f.read_text())["headers"]["task"] for f in queue.iterdir())

    yield SimpleNamespace(down=down, up=up, queue=queue, queued=queued)
    point_at(*saved)
    conf.broker_write_url = None
    conf.broker_connection_retry, conf.broker_connection_max_retries = saved_retry
    conf.task_always_eager = True


@pytest.fixture
def account_a(db):
    return AccountFactory(name="Alpha Mail BV")


@pytest.fixture
def account_b(db):
    return AccountFactory(name="Bravo Sending Ltd", time_zone="America/New_York")


@pytest.fixture
def customer_a(account_a):
    return ContactFactory(account=account_a, user__email="alice@alpha.example").user


@pytest.fixture
def customer_b(account_b):
    return ContactFactory(
        account=account_b, user__email="bob@bravo.example", user__time_zone="America/New_York"
    ).user


@pytest.fixture
def tam_a(account_a):
    return account_a.tam


@pytest.fixture
def tam_b(account_b):
    return account_b.tam


@pytest.fixture
def superuser(db):
    return StaffFactory(email="root@example.com", is_superuser=True)


@pytest.fixture
def agent(db):
    return StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS)


@pytest.fixture
def representative(db):
    return StaffFactory(email="hotline@example.com", role=roles.CUSTOMER_SERVICE)


@pytest.fixture
def manager(db):
    return StaffFactory(email="manager@example.com", role=roles.SUPPORT_MANAGERS)


@pytest.fixture
def no_account_user(db):
    return UserFactory(email="lost@nowhere.example")


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def client_a(customer_a):
    from django.test import Client

    return _client_for(Client, customer_a)


@pytest.fixture
def client_b(customer_b):
    from django.test import Client

    return _client_for(Client, customer_b)


@pytest.fixture
def agent_client(agent):
    from django.test import Client

    return _client_for(Client, agent)


@pytest.fixture
def persona_client(request, db):
    """A client signed in as the named persona ("anonymous" for none)."""
    from django.test import Client

    name = request.param
    if name == "anonymous":
        return Client()
    return _client_for(Client, request.getfixturevalue(name))
