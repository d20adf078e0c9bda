import datetime

import pytest
from django.urls import reverse

from partners import services
from partners.models import NikViewLog, Partner
from regions.models import Region

from .conftest import nik, partner_data

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = partner_data(**overrides)
    data["regency"] = data["regency"].pk
    data["district"] = ""
    data["joined_on"] = data["joined_on"].strftime("%d/%m/%Y")
    data["phone"] = "0812-3456-7890"
    return data


class TestPartnerList:
    def test_anonymous_is_sent_to_login_and_roles_without_permission_get_403(self, client, make_user_without_role):
        assert client.get(reverse("partners:partner-list")).status_code == 302
        client.force_login(make_user_without_role)
        assert client.get(reverse("partners:partner-list")).status_code == 403

    def test_search_by_name_owner_and_last_digits_of_nik(self, client, staf_hk, make_partner):
        make_partner(staf_hk, business_name="Perak Sungging", owner_nik="1610011508850777")
        make_partner(staf_hk, business_name="Tembaga Jaya", owner_name="Siti Aminah", owner_nik=nik())
        client.force_login(staf_hk)
        url = reverse("partners:partner-list")
        assert [p.business_name for p in client.get(url, {"q": "perak"}).context["object_list"]] == ["Perak Sungging"]
        assert [p.owner_name for p in client.get(url, {"q": "aminah"}).context["object_list"]] == ["Siti Aminah"]
        assert [p.business_name for p in client.get(url, {"q": "0777"}).context["object_list"]] == ["Perak Sungging"]

    def test_broad_search_counts_only_up_to_the_cap(self, client, staf_hk, ogan_ilir, monkeypatch):
        from partners.models import Partner
        from partners.views import CappedPaginator

        monkeypatch.setattr(CappedPaginator, "cap", 3)
        Partner.objects.bulk_create(
            Partner(
                business_name=f"Songket {i}",
                owner_name="Pemilik",
                regency=ogan_ilir,
                region_code="16.10",
                sector="fesyen",
                joined_on=datetime.date(2023, 1, 1),
            )
            for i in range(5)
        )
        client.force_login(staf_hk)
        url = reverse("partners:partner-list")
        client.cookies["django_language"] = "en"
        searched = client.get(url, {"q": "songket"})
        assert searched.context["paginator"].capped
        assert "More than 3 partners" in searched.content.decode()
        assert len(searched.context["object_list"]) == 4  # rows up to the cap stay browsable
        browsed = client.get(url)
        assert browsed.context["paginator"].count == 5

    def test_list_shows_nik_masked(self, client, staf_hk, make_partner):
        make_partner(staf_hk, owner_nik="1610011508850777")
        client.force_login(staf_hk)
        page = client.get(reverse("partners:partner-list")).content.decode()
        assert "1610••••••••0777" in page
        assert "Ani Pemilik Terdaftar" not in page  # the existing record's personal data stays hidden

    def test_filters_class_region_and_naik_kelas(self, client, staf_hk, make_partner, ambon):
        up = make_partner(staf_hk, business_name="Naik", joined_on=datetime.date(2023, 1, 1))
        services.assessment_record(
            partner=up, actor=staf_hk, assessed_on=datetime.date(2023, 1, 1), capital=10, annual_sales=10, workers=1
        )
        services.assessment_record(
            partner=up,
            actor=staf_hk,
            assessed_on=datetime.date(2024, 1, 1),
            capital=2_000_000_000,
            annual_sales=10,
            workers=1,
        )
        make_partner(staf_hk, business_name="Ambon", regency=ambon, owner_nik=nik("817101"))
        client.force_login(staf_hk)
        url = reverse("partners:partner-list")
        names = lambda params: [p.business_name for p in client.get(url, params).context["object_list"]]  # noqa: E731
        province = Region.objects.get(code="81")
        assert names({"province": province.pk}) == ["Ambon"]
        assert names({"naik_kelas": "1"}) == ["Naik"]
        assert names({"naik_kelas": "0"}) == ["Ambon"]
        assert names({"size_class": "2"}) == ["Naik"]
        assert names({"sort": "-name"}) == ["Naik", "Ambon"]

    def test_regional_official_sees_only_their_region(self, client, staf_hk, make_partner, ambon, pejabat_maluku):
        make_partner(staf_hk, business_name="Sumsel")
        ambon_partner = make_partner(staf_hk, business_name="Ambon", regency=ambon, owner_nik=nik("817101"))
        client.force_login(pejabat_maluku)
        assert list(client.get(reverse("partners:partner-list")).context["object_list"]) == [ambon_partner]

    def test_query_count_stays_constant_as_rows_grow(
        self, client, staf_hk, make_partner, django_assert_max_num_queries
    ):
        client.force_login(staf_hk)
        url = reverse("partners:partner-list")
        make_partner(staf_hk, business_name="P0")
        client.get(url)
        with django_assert_max_num_queries(12) as small:
            client.get(url, {"q": "P"})
        for i in range(1, 30):
            make_partner(staf_hk, business_name=f"P{i}", owner_nik=nik())
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(url, {"q": "P"})
        assert len(response.context["object_list"]) == 25


class TestPartnerDetailPrivacy:
    def test_staff_of_registering_company_sees_nik_and_the_view_is_logged(self, client, staf_hk, make_partner, caplog):
        partner = make_partner(staf_hk, owner_nik="1610011508850777")
        client.force_login(staf_hk)
        page = client.get(reverse("partners:partner-detail", args=[partner.pk])).content.decode()
        assert "1610011508850777" in page
        log = NikViewLog.objects.get()
        assert (log.user, log.partner, log.purpose) == (staf_hk, partner, "detail")
        assert "1610011508850777" not in caplog.text

    @pytest.mark.parametrize("viewer", ["staf_pln", "pejabat_sumsel", "auditor"])
    def test_others_see_nik_phone_and_address_masked(self, client, staf_hk, make_partner, viewer, request):
        partner = make_partner(staf_hk, owner_nik="1610011508850777", address="Jalan Rahasia 7")
        client.force_login(request.getfixturevalue(viewer))
        response = client.get(reverse("partners:partner-detail", args=[partner.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "1610••••••••0777" in page
        assert "Ani Pemilik Terdaftar" not in page  # the existing record's personal data stays hidden
        assert "Jalan Rahasia" not in page
        assert "+6281234567890" not in page and "0812-3456-7890" not in page
        assert not NikViewLog.objects.exists()

    def test_out_of_region_answers_404(self, client, staf_hk, make_partner, pejabat_maluku):
        partner = make_partner(staf_hk)
        client.force_login(pejabat_maluku)
        assert client.get(reverse("partners:partner-detail", args=[partner.pk])).status_code == 404

    def test_history_is_shown_to_manager_and_auditor_not_staff(
        self, client, staf_hk, manajer_hk, auditor, make_partner
    ):
        partner = make_partner(staf_hk)
        services.partner_update(partner=partner, actor=staf_hk, business_name="Perak Baru")
        url = reverse("partners:partner-detail", args=[partner.pk])
        for user, shown in ((manajer_hk, True), (auditor, True), (staf_hk, False)):
            client.force_login(user)
            assert ('id="history"' in client.get(url).content.decode()) is shown

    def test_chart_is_inline_svg(self, client, staf_hk, make_partner):
        partner = make_partner(staf_hk)
        services.assessment_record(
            partner=partner,
            actor=staf_hk,
            assessed_on=datetime.date(2024, 1, 1),
            capital=10,
            annual_sales=10,
            workers=1,
        )
        client.force_login(staf_hk)
        page = client.get(reverse("partners:partner-detail", args=[partner.pk])).content.decode()
        assert "<svg" in page and "<script" not in page.split("<svg")[1].split("</svg>")[0]

    def test_staff_of_another_company_cannot_open_the_edit_form(self, client, staf_hk, staf_pln, make_partner):
        partner = make_partner(staf_hk)
        client.force_login(staf_pln)
        assert client.get(reverse("partners:partner-update", args=[partner.pk])).status_code == 403


class TestPartnerForm:
    def test_registers_a_partner_with_normalised_phone(self, client, staf_hk):
        client.force_login(staf_hk)
        response = client.post(reverse("partners:partner-create"), form_data(owner_nik="1610015508850002"))
        partner = Partner.objects.get()
        assert response.status_code == 302
        assert partner.phone == "+6281234567890"
        assert partner.owner_nik == "1610015508850002"

    def test_invalid_identifiers_get_field_errors_and_nothing_is_saved(self, client, staf_hk):
        client.force_login(staf_hk)
        data = form_data(owner_nik="1610013208850003", nib="123", npwp="12")
        data["phone"] = "12345"
        client.cookies["django_language"] = "en"
        response = client.post(reverse("partners:partner-create"), data)
        errors = response.context["form"].errors
        assert set(errors) >= {"owner_nik", "nib", "npwp", "phone"}
        assert "birth date" in errors["owner_nik"][0]
        assert not Partner.objects.exists()

    def test_duplicate_nik_error_links_to_the_existing_record(self, client, staf_hk, make_partner):
        existing = make_partner(staf_hk, owner_nik="1610011508850777", business_name="Perak Lama")
        client.force_login(staf_hk)  # Hutama Karya sees this partner's NIK unmasked
        client.cookies["django_language"] = "en"
        response = client.post(
            reverse("partners:partner-create"), form_data(owner_nik="1610011508850777", business_name="Lain")
        )
        page = response.content.decode()
        assert f'href="/partners/{existing.pk}/"' in page and "Perak Lama" in page
        assert "Hutama Karya" in page
        assert Partner.objects.count() == 1

    def test_duplicate_nik_tells_another_company_only_that_it_exists(self, client, staf_hk, staf_pln, make_partner):
        existing = make_partner(staf_hk, owner_nik="1610011508850777", business_name="Perak Lama")
        client.force_login(staf_pln)  # PLN sees this partner's NIK masked: no link to whose NIK it is
        client.cookies["django_language"] = "en"
        response = client.post(
            reverse("partners:partner-create"), form_data(owner_nik="1610011508850777", business_name="Lain")
        )
        page = response.content.decode()
        assert "A partner with this NIK is already registered" in page and "Hutama Karya" in page
        assert f'href="/partners/{existing.pk}/"' not in page and "Perak Lama" not in page
        assert Partner.objects.count() == 1

    def test_duplicate_nik_names_the_company_whose_program_assists_it(self, client, staf_pln, manajer_hk, hk):
        import datetime as dt

        from partners.models import Partner as PartnerModel
        from programs.models import Program
        from programs.services import enrollment_create
        from regions.models import Region

        # Registered by nobody in particular, assisted by Hutama Karya through a program enrolment.
        partner = PartnerModel.objects.create(
            business_name="Perak Enrolled",
            owner_name="Pemilik",
            owner_nik="1610011508850777",
            regency=Region.objects.get(code="16.10"),
            sector="kerajinan",
            joined_on=dt.date(2023, 1, 1),
        )
        program = Program.objects.create(
            company=hk,
            code="HK-PK",
            name="HK Peduli Kreatif",
            pillar="ekonomi",
            support_form="bantuan",
            start_date=dt.date(2023, 1, 1),
            end_date=dt.date(2025, 12, 31),
            status="aktif",
        )
        enrollment_create(program=program, partner=partner, actor=manajer_hk)
        client.force_login(staf_pln)
        client.cookies["django_language"] = "en"
        page = client.post(
            reverse("partners:partner-create"), form_data(owner_nik="1610011508850777", business_name="Lain")
        ).content.decode()
        assert "Hutama Karya" in page
        # PLN may not read this NIK: the answer names no record (existence only).
        assert f'href="/partners/{partner.pk}/"' not in page and "Perak Enrolled" not in page
        assert PartnerModel.objects.count() == 1

    def test_similar_name_in_same_regency_warns_then_accepts_confirmation(self, client, staf_hk, make_partner):
        make_partner(staf_hk, business_name="Kerajinan Perak Sungging")
        client.force_login(staf_hk)
        data = form_data(business_name="kerajinan perak sungging", owner_nik=nik())
        response = client.post(reverse("partners:partner-create"), data)
        assert "confirm_similar" in response.context["form"].errors
        assert Partner.objects.count() == 1
        data["confirm_similar"] = "on"
        assert client.post(reverse("partners:partner-create"), data).status_code == 302
        assert Partner.objects.count() == 2


class TestExport:
    def test_csv_neutralises_formulas_and_masks_nik_for_other_company(self, client, staf_hk, staf_pln, make_partner):
        make_partner(staf_hk, business_name='=HYPERLINK("x")', owner_nik="1610011508850777")
        client.force_login(staf_pln)
        response = client.get(reverse("partners:partner-export", args=["csv"]))
        body = response.content.decode("utf-8-sig")
        assert response.status_code == 200
        assert "'=HYPERLINK" in body
        assert "1610••••••••0777" in body and "1610011508850777" not in body

    def test_xlsx_export_has_unmasked_nik_for_own_company_and_logs_it(self, client, staf_hk, make_partner):
        import io

        from openpyxl import load_workbook

        partner = make_partner(staf_hk, owner_nik="1610011508850777", owner_name="+cmd")
        client.force_login(staf_hk)
        response = client.get(reverse("partners:partner-export", args=["xlsx"]), {"q": "Perak"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][3] == "1610011508850777"
        assert rows[1][2] == "'+cmd"
        assert NikViewLog.objects.get().partner == partner
