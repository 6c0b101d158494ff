"""Two agents acting on one case at the same moment: exactly one wins (row lock).

Needs a database with real row locks, so it runs on PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections

from cases import services
from cases.models import ResolutionAgreement
from tests.factories import ContactFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_agents_proposing_at_once_cannot_both_win():
    from accounts import roles

    customer = ContactFactory().user
    case = services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject="Race",
        description="x",
        category="information",
    )
    agents = [StaffFactory(role=roles.SUPPORT_AGENTS) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def propose(agent):
        try:
            barrier.wait()
            services.case_propose_resolution(case=case, actor=agent, summary=str(agent))
            outcomes.append("won")
        except services.CaseError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert ResolutionAgreement.objects.filter(case=case).count() == 1
