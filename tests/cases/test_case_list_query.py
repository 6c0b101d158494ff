"""The case list's page numbers come from the address: whatever is there, the list
answers, on the first page when the value is no page number."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "１", "-1", "0", "9" * 30, "x", ""])
def test_an_odd_page_number_shows_the_first_page(client_a, case_a, value):
    response = client_a.get(reverse("cases:list"), {"page": value, "open": value})
    assert response.status_code == 200
    assert response.context["open_page"].number == 1
    assert case_a.reference in response.content.decode()
