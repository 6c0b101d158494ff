"""People are found by address in any letter case (sign-in, inbound mail) through an
index, not by reading every user."""

import pytest
from django.db import connection

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_case_insensitive_address_lookup_uses_the_index(customer_a):
    query = User.objects.filter(email__iexact=customer_a.email.upper()).values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "accounts_user_email_upper" in plan
    assert list(query) == [{"pk": customer_a.pk}]
