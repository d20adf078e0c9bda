"""The handover list sorts by date, amount or number keeping its filters, counts what matches, and
exports the filtered list as .xlsx within the user's scope, formulas written as text."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from disbursements.models import Disbursement
from disbursements.tests.conftest import draft_for, make_partner

pytestmark = pytest.mark.django_db

ROLES = ["staf_hk", "manajer_hk", "staf_pln", "auditor", "pejabat_sumsel", "pejabat_maluku", "admin_user"]


@pytest.fixture
def handovers(staf_hk, program, partner, ogan_ilir):
    made = [
        draft_for(staf_hk, program, recipient=partner, total=30_000_000, day=datetime.date(2023, 5, 1)),
        draft_for(staf_hk, program, recipient=partner, total=10_000_000, day=datetime.date(2024, 2, 1)),
        draft_for(
            staf_hk,
            program,
            recipient=make_partner('=HYPERLINK("http://x.test","klik")', ogan_ilir),
            total=20_000_000,
            day=datetime.date(2023, 9, 1),
        ),
    ]
    for serial, handover in zip(["003", "001", "002"], made, strict=True):
        Disbursement.objects.filter(pk=handover.pk).update(number=f"HK/TJSL/{serial}/2023")
    return made


def shown(response) -> list[int]:
    return [h.total for h in response.context["handovers"]]


class TestSort:
    @pytest.mark.parametrize(
        "sort,totals",
        [
            ("", [20_000_000, 10_000_000, 30_000_000]),
            ("-date", [10_000_000, 20_000_000, 30_000_000]),
            ("date", [30_000_000, 20_000_000, 10_000_000]),
            ("-amount", [30_000_000, 20_000_000, 10_000_000]),
            ("amount", [10_000_000, 20_000_000, 30_000_000]),
            ("number", [10_000_000, 20_000_000, 30_000_000]),
            ("-number", [30_000_000, 20_000_000, 10_000_000]),
        ],
    )
    def test_by_date_amount_or_number(self, client, staf_hk, handovers, sort, totals):
        client.force_login(staf_hk)
        assert shown(client.get(reverse("disbursements:handover-list"), {"sort": sort})) == totals

    def test_sorting_keeps_the_filters_and_the_column_links_keep_them_too(self, client, staf_hk, handovers):
        client.force_login(staf_hk)
        response = client.get(reverse("disbursements:handover-list"), {"date_from": "01/06/2023", "sort": "amount"})
        assert shown(response) == [10_000_000, 20_000_000]
        assert response.context["count"] == 2
        links = response.context["sort_links"]
        assert "date_from=01%2F06%2F2023" in links["amount"] and "sort=-amount" in links["amount"]
        assert "sort=-date" in links["date"]
        assert shown(client.get(reverse("disbursements:handover-list") + links["amount"])) == [20_000_000, 10_000_000]

    def test_a_sorted_list_pages_by_number_of_page(self, client, staf_hk, program, partner, monkeypatch):
        monkeypatch.setattr("disbursements.views.PAGE_SIZE", 2)
        for total in (1, 2, 3, 4, 5):
            draft_for(staf_hk, program, recipient=partner, total=total * 1_000_000)
        client.force_login(staf_hk)
        url = reverse("disbursements:handover-list")
        first = client.get(url, {"sort": "-amount"})
        assert shown(first) == [5_000_000, 4_000_000]
        second = client.get(url + first.context["next_url"])
        assert shown(second) == [3_000_000, 2_000_000]
        assert shown(client.get(url + second.context["next_url"])) == [1_000_000]
        assert client.get(url, {"sort": "-amount", "page": "abc"}).status_code == 200

    @pytest.mark.parametrize(
        "language,count,label,sort_label",
        [
            ("id", "3 penyaluran", "Ekspor .xlsx", "Nilai, terbesar dahulu"),
            ("en", "3 handovers", "Export .xlsx", "Amount, largest first"),
        ],
    )
    def test_the_page_counts_and_offers_sort_and_export_in_both_languages(
        self, client, staf_hk, handovers, language, count, label, sort_label
    ):
        client.force_login(staf_hk)
        client.cookies["django_language"] = language
        body = client.get(reverse("disbursements:handover-list"), {"status": "draft"}).content.decode()
        assert count in body and label in body and sort_label in body
        assert reverse("disbursements:handover-export") + "?status=draft" in body


def workbook_rows(response):
    assert response.status_code == 200, response.content[:300]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


class TestExport:
    def test_the_export_holds_the_filtered_list_in_its_order_with_real_dates_and_amounts(
        self, client, staf_hk, handovers
    ):
        client.force_login(staf_hk)
        rows = workbook_rows(
            client.get(reverse("disbursements:handover-export"), {"date_from": "01/06/2023", "sort": "-amount"})
        )
        assert rows[0][0] in ("Nomor", "Number")
        assert [r[8] for r in rows[1:]] == [20_000_000, 10_000_000]
        assert rows[1][1] == datetime.datetime(2023, 9, 1)

    def test_a_formula_in_a_name_is_written_as_text(self, client, staf_hk, handovers):
        client.force_login(staf_hk)
        rows = workbook_rows(client.get(reverse("disbursements:handover-export")))
        recipient = next(r[4] for r in rows[1:] if "HYPERLINK" in r[4])
        assert recipient.startswith("'=")

    @pytest.mark.parametrize("role", ROLES)
    def test_every_role_exports_exactly_the_rows_its_list_shows(self, client, request, handovers, role):
        user = request.getfixturevalue(role)
        client.force_login(user)
        listing = client.get(reverse("disbursements:handover-list"), {"sort": "number"})
        if listing.status_code == 403:
            assert client.get(reverse("disbursements:handover-export")).status_code == 403
            return
        expected = [h.number for h in listing.context["handovers"]]
        exported = [
            r[0] for r in workbook_rows(client.get(reverse("disbursements:handover-export"), {"sort": "number"}))[1:]
        ]
        assert exported == expected
        assert len(exported) == listing.context["count"]

    def test_a_list_over_the_cap_is_refused_with_a_message(self, client, staf_hk, handovers, settings):
        settings.TJSL_EXPORT_SYNC_MAX_ROWS = 2
        client.force_login(staf_hk)
        client.cookies["django_language"] = "en"
        response = client.get(reverse("disbursements:handover-export"), {"status": "draft"}, follow=True)
        assert response.redirect_chain[-1][0].endswith("?status=draft")
        assert "The export takes at most 2 handovers: narrow the filters" in response.content.decode()
