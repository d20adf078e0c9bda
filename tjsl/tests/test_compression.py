"""Pages travel compressed: staff in a regency office are often on a slow connection."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "partners:partner-list", "disbursements:handover-create"])
def test_pages_are_sent_gzip_compressed_to_browsers_that_accept_it(client, staf_hk, name):
    client.force_login(staf_hk)
    response = client.get(reverse(name), headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert "</html>" in html
    assert len(response.content) < len(html.encode()) / 2


def test_a_client_that_does_not_accept_gzip_gets_plain_html(client, staf_hk):
    client.force_login(staf_hk)
    response = client.get(reverse("home"))
    assert not response.has_header("Content-Encoding")
    assert b"</html>" in response.content
