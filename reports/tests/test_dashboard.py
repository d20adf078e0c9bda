import base64
import datetime
import re

import pytest
from django.http import Http404, QueryDict
from django.urls import reverse

from accounts.roles import Role
from conftest import make_user
from reports.aggregates import facts_rebuild
from reports.dashboard import dashboard_data, dashboard_query, facts_figures, period_parse, raw_figures
from reports.models import HandoverMonthFact, ReachMonthFact

from .conftest import hand_over, submitted_for

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")


def figures_for(user, query_string="period=2023"):
    query, refs = dashboard_query(user, QueryDict(query_string))
    return dashboard_data(query, refs, use_cache=False)["headline"]


class TestPeriodParsing:
    def test_year_quarter_month_and_custom_range(self):
        assert period_parse(period="2023").start == datetime.date(2023, 1, 1)
        quarter = period_parse(period="2023-Q4")
        assert (quarter.start, quarter.end) == (datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))
        month = period_parse(period="2024-02")
        assert month.end == datetime.date(2024, 2, 29)
        custom = period_parse(date_from="09/11/2023", date_to="15/01/2024")
        assert (custom.start, custom.end) == (datetime.date(2023, 11, 1), datetime.date(2024, 1, 31))

    def test_default_is_the_current_year(self):
        assert period_parse(today=datetime.date(2025, 6, 1)).key == "2025"

    @pytest.mark.parametrize("bad", ["2023-13", "2023-Q5", "last year", "2023/11"])
    def test_malformed_periods_are_refused(self, bad):
        with pytest.raises(ValueError):
            period_parse(period=bad)

    def test_range_ending_before_it_starts_is_refused(self):
        with pytest.raises(ValueError):
            period_parse(date_from="01/12/2023", date_to="01/11/2023")

    def test_malformed_period_in_the_url_is_a_bad_request_with_the_reason(self, client, auditor):
        client.force_login(auditor)
        response = client.get(URL, {"period": "2023-13"})
        assert response.status_code == 400
        assert response.context["form"].errors["period"]


class TestRollupsEqualRawFigures:
    @pytest.mark.parametrize("username", ["auditor", "pejabat.sumsel", "pejabat.maluku", "manajer.hk"])
    def test_incremental_rollups_equal_the_handovers(
        self, world, username, auditor, pejabat_sumsel, pejabat_maluku, manajer_hk
    ):
        user = {u.username: u for u in (auditor, pejabat_sumsel, pejabat_maluku, manajer_hk)}[username]
        for query_string in ("period=2023", "period=2023-Q4", "period=2023&sector=kerajinan", "period=2023-08"):
            query, refs = dashboard_query(user, QueryDict(query_string))
            facts, raw = dashboard_data(query, refs, use_cache=False), raw_figures(query, user)
            headline = facts["headline"]
            assert (headline["net"], headline["realised"], headline["handovers"]) == (
                raw["net"],
                raw["realised"],
                raw["handovers"],
            ), query_string
            assert (headline["beneficiaries"], headline["groups"]) == (raw["beneficiaries"], raw["groups"])
            assert {r["id"]: r["net"] for r in facts["by_kind"]} == raw["by_kind"]

    def test_full_rebuild_gives_the_same_rollups(self, world, auditor):
        query, _refs = dashboard_query(auditor, QueryDict("period=2023"))
        before = facts_figures(query)
        rows = HandoverMonthFact.objects.count(), ReachMonthFact.objects.count()
        facts_rebuild()
        facts_rebuild()  # idempotent
        assert facts_figures(query) == before
        assert (HandoverMonthFact.objects.count(), ReachMonthFact.objects.count()) == rows


class TestFigures:
    def test_sumatera_selatan_official_sees_ogan_ilir_to_the_rupiah(self, world, pejabat_sumsel):
        figures = figures_for(pejabat_sumsel)
        assert figures["net"] == 200_000_000 + 50_000_000  # the Palembang one is reversed
        assert figures["realised"] == 200_000_000
        assert figures["handovers"] == 2
        assert figures["beneficiaries"] == 31  # 30 craftsmen of the group and one partner
        assert figures["groups"] == 1

    def test_narrowing_to_ogan_ilir(self, world, pejabat_sumsel):
        figures = figures_for(pejabat_sumsel, "period=2023-11&region=16.10")
        assert (figures["net"], figures["beneficiaries"]) == (250_000_000, 31)

    def test_maluku_official_sees_only_maluku(self, world, pejabat_maluku):
        figures = figures_for(pejabat_maluku)
        assert (figures["net"], figures["beneficiaries"], figures["groups"]) == (40_000_000, 1, 0)

    def test_company_view_shows_budget_realisation(self, world, manajer_hk):
        figures = figures_for(manajer_hk)
        assert figures["budget"] == 750_000_000
        assert figures["realisation_pct"] == round(200_000_000 * 100 / 750_000_000, 1)
        assert figures["net"] == 250_000_000  # PLN's Ambon handover is not HK's

    def test_a_status_change_refreshes_the_figures(
        self, world, django_capture_on_commit_callbacks, staf_hk, pejabat_sumsel
    ):
        with django_capture_on_commit_callbacks(execute=True):
            hand_over(world["ogan_ilir_partner"], staf_hk)
        assert figures_for(pejabat_sumsel)["realised"] == 250_000_000

    def test_region_table_lists_one_level_below(self, world, auditor, pejabat_sumsel):
        query, refs = dashboard_query(auditor, QueryDict("period=2023"))
        assert {r["code"] for r in dashboard_data(query, refs, use_cache=False)["children"]} == {"16", "81"}
        query, refs = dashboard_query(pejabat_sumsel, QueryDict("period=2023"))
        rows = {r["code"]: r for r in dashboard_data(query, refs, use_cache=False)["children"]}
        assert rows["16.10"]["net"] == 250_000_000 and rows["16.10"]["beneficiaries"] == 31
        assert rows["16.71"]["net"] == 0


class TestScope:
    def test_maluku_official_cannot_widen_to_ogan_ilir(self, world, client, pejabat_maluku):
        client.force_login(pejabat_maluku)
        for region in ("16.10", "16", "16.10.01", "99.99"):
            assert client.get(URL, {"region": region}).status_code == 404
            chart = reverse("reports:dashboard-chart", args=["regions"])
            assert client.get(chart, {"region": region}).status_code == 404

    def test_maluku_official_page_shows_nothing_of_ogan_ilir(self, world, client, pejabat_maluku, program):
        client.force_login(pejabat_maluku)
        assert client.get(URL, {"period": "2023", "program": program.pk}).status_code == 404
        for params in ({"period": "2023"}, {"period": "2023-11"}):
            response = client.get(URL, params)
            assert response.status_code == 200
            body = response.content.decode()
            assert "Ogan Ilir" not in body and "200.000.000" not in body and "250.000.000" not in body
        svg = client.get(reverse("reports:dashboard-chart", args=["regions"]), {"period": "2023"}).content.decode()
        assert "Ogan Ilir" not in svg and "Palembang" not in svg and "Ambon" in svg

    def test_company_user_cannot_pick_another_company_or_its_program(self, world, client, staf_pln, hk, program):
        client.force_login(staf_pln)
        assert client.get(URL, {"company": hk.pk}).status_code == 404
        assert client.get(URL, {"program": program.pk}).status_code == 404
        assert client.get(URL, {"company": "x"}).status_code == 404

    def test_user_without_handover_permission_is_refused(self, client, db):
        client.force_login(make_user("nobody", None))
        assert client.get(URL).status_code == 403

    def test_breakdown_rows_link_to_their_handovers_and_size_classes_show_no_value(
        self, world, client, pejabat_sumsel, program
    ):
        client.force_login(pejabat_sumsel)
        response = client.get(URL, {"period": "2023", "region": "16.10"})
        sections = {str(s["title"]): s for s in response.context["breakdowns"]}
        row = next(r for r in sections["Per program"]["rows"] if r["label"] == program.name)
        assert f"program={program.pk}" in row["href"] and "regency=" in row["href"] and "date_from=" in row["href"]
        assert row["net"] == "Rp250.000.000"
        assert client.get(row["href"]).status_code == 200
        by_class = sections["Per kelas usaha"]
        assert not by_class["has_net"] and by_class["rows"] and all(r["net"] == "" for r in by_class["rows"])
        assert "Rp0" not in by_class["alt"]

    def test_figure_links_carry_the_region_and_period(self, world, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        response = client.get(URL, {"period": "2023", "region": "16.10"})
        link = response.context["links"]["handovers"]
        assert "regency=" in link and "date_from=01%2F01%2F2023" in link


class TestCache:
    def test_two_scopes_on_the_same_url_get_their_own_figures(
        self, world, client, pejabat_sumsel, pejabat_maluku, settings
    ):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "iso"}}
        seen = {}
        for user in (pejabat_sumsel, pejabat_maluku, pejabat_sumsel):
            client.force_login(user)
            seen.setdefault(user.username, set()).add(
                client.get(URL, {"period": "2023"}).context["data"]["headline"]["net"]
            )
        assert seen == {"pejabat.sumsel": {250_000_000}, "pejabat.maluku": {40_000_000}}

    def test_a_status_change_retires_cached_figures(
        self, world, client, staf_hk, manajer_hk, django_capture_on_commit_callbacks
    ):
        client.force_login(manajer_hk)
        assert client.get(URL, {"period": "2023"}).context["data"]["headline"]["realised"] == 200_000_000
        with django_capture_on_commit_callbacks(execute=True):
            hand_over(world["ogan_ilir_partner"], staf_hk)
        assert client.get(URL, {"period": "2023"}).context["data"]["headline"]["realised"] == 250_000_000


class TestQueryCount:
    def test_query_count_does_not_grow_with_data(
        self,
        world,
        client,
        auditor,
        staf_hk,
        manajer_hk,
        program,
        group,
        django_capture_on_commit_callbacks,
        django_assert_max_num_queries,
        settings,
    ):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        client.force_login(auditor)
        with django_assert_max_num_queries(20) as captured:
            client.get(URL, {"period": "2023"})
        before = len(captured)
        with django_capture_on_commit_callbacks(execute=True):
            for day in (3, 4, 5):
                from disbursements.services import disbursement_approve

                disbursement_approve(
                    disbursement=submitted_for(
                        staf_hk, program, recipient=group, total=1_000_000, day=datetime.date(2023, 6, day)
                    ),
                    actor=manajer_hk,
                )
        with django_assert_max_num_queries(before):
            response = client.get(URL, {"period": "2023"})
        assert response.context["data"]["headline"]["handovers"] == 6  # 2 + 1 (Ambon) + 3; the reversed pair nets to 0


class TestCharts:
    def test_chart_is_svg_with_title_text_and_values(self, world, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        response = client.get(reverse("reports:dashboard-chart", args=["regions"]), {"period": "2023"})
        svg = response.content.decode()
        assert response["Content-Type"].startswith("image/svg+xml")
        assert svg.startswith("<svg") and "<title>" in svg and "Rp250 juta" in svg and "Ogan Ilir" in svg

    def test_charts_come_inside_the_page_as_images_the_csp_allows(self, world, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        response = client.get(URL, {"period": "2023"})
        sources = re.findall(r'<img class="dashboard-chart" src="([^"]+)"', response.content.decode())
        assert len(sources) == 1 + len(response.context["breakdowns"])
        assert all(src.startswith("data:image/svg+xml;base64,") for src in sources)
        assert "img-src 'self' data:" in response["Content-Security-Policy"]
        trend = base64.b64decode(sources[0].split(",", 1)[1]).decode()
        assert trend.startswith("<svg") and "Rp250 juta" in trend

    def test_chart_labels_follow_the_language(self, world, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        client.cookies["django_language"] = "en"
        body = client.get(URL, {"period": "2023"}).content.decode()
        charts = [base64.b64decode(src.split(",", 1)[1]).decode() for src in re.findall(r'src="data:([^"]+)"', body)]
        text = "".join(charts)
        assert "Rp250 million" in text and "juta" not in text and "Net value by program" in text

    def test_unknown_chart_is_not_found(self, client, auditor):
        client.force_login(auditor)
        assert client.get(reverse("reports:dashboard-chart", args=["pie"])).status_code == 404


def test_dashboard_query_refuses_user_without_scope(db):
    with pytest.raises(Http404):
        dashboard_query(make_user("norole", Role.STAF), QueryDict(""))


class TestYearlyReach:
    """Whole-year views count reach from ReachYearFact; the answer must equal the monthly rows'."""

    @pytest.mark.parametrize("username", ["auditor", "pejabat.sumsel", "manajer.hk"])
    def test_yearly_rows_equal_distinct_monthly_rows(self, world, username, auditor, pejabat_sumsel, manajer_hk):
        from reports.dashboard import _reach_from_month_facts, _reach_from_year_facts, _reach_year_slice

        user = {u.username: u for u in (auditor, pejabat_sumsel, manajer_hk)}[username]
        query, _refs = dashboard_query(user, QueryDict("period=2023"))
        year_slice = _reach_year_slice(query)
        assert year_slice is not None
        child = "province_code" if query.level == 0 else "regency_code"
        yearly_rows, yearly_children = _reach_from_year_facts(year_slice, child)
        monthly_rows, monthly_children = _reach_from_month_facts(query.fact_q(), child)

        def totals(rows):
            return {key: sum(r[key] for r in rows) for key in ("beneficiaries", "reached", "groups")} | {
                "naik": sum(r["reached"] for r in rows if r["naik_kelas"])
            }

        assert totals(yearly_rows) == totals(monthly_rows)
        assert totals(yearly_rows)["beneficiaries"] > 0
        assert yearly_children == monthly_children

    def test_counts_stay_equal_to_the_yearly_rows(self, world, staf_hk, manajer_hk, django_capture_on_commit_callbacks):
        from disbursements.services import disbursement_approve, disbursement_reverse
        from reports.aggregates import _reach_year_counts
        from reports.models import ReachYearCount, ReachYearFact

        def stored():
            return {tuple(getattr(c, n) for n in ReachYearCount.KEY): c.entities for c in ReachYearCount.objects.all()}

        # `world` was built by incremental refreshes only: approvals, a hand-over, a reversal.
        assert stored() == _reach_year_counts(ReachYearFact.objects.all()) != {}
        with django_capture_on_commit_callbacks(execute=True):
            reversal = disbursement_reverse(disbursement=world["ogan_ilir_group"], actor=staf_hk, reason="Salah")
            disbursement_approve(disbursement=reversal, actor=manajer_hk)
        after_reversal = stored()
        assert after_reversal == _reach_year_counts(ReachYearFact.objects.all())
        assert not ReachYearCount.objects.filter(entities__lte=0).exists()
        facts_rebuild()
        assert stored() == after_reversal

    def test_quarters_and_filters_use_the_monthly_rows(self, world, auditor):
        from reports.dashboard import _reach_year_slice

        for query_string in ("period=2023-Q4", "period=2023&sector=kerajinan", "period=2023&region=16.10"):
            query, _refs = dashboard_query(auditor, QueryDict(query_string))
            assert _reach_year_slice(query) is None, query_string


class TestRegencyDrillDown:
    def test_a_regency_lists_its_districts_never_itself(self, world, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        response = client.get(URL, {"period": "2023", "region": "16.10"})
        rows = response.context["children"]
        # The Ogan Ilir handovers hold no district: one row says so, and it drills nowhere.
        assert [row["label"] for row in rows] == ["Kecamatan tidak tercatat"]
        assert rows[0]["href"] == "" and rows[0]["net"] == "Rp250.000.000"
        assert "Ogan Ilir</a>" not in response.content.decode().split('id="table-regions"')[1]

    def test_a_district_shows_no_table_of_itself(self, world, client, pejabat_sumsel):
        client.force_login(pejabat_sumsel)
        response = client.get(URL, {"period": "2023", "region": "16.10.01"})
        assert response.status_code == 200
        assert 'id="table-regions"' not in response.content.decode()


class TestProgramChoicesFollowTheProgramsPage:
    """The programs offered and accepted are those `/programs/<id>/` shows the same user."""

    @pytest.mark.parametrize(
        ("username", "sees_hk", "sees_pln"),
        [
            ("pejabat.maluku", False, True),
            ("pejabat.sumsel", True, False),
            ("staf.pln", False, True),
            ("staf.hk", True, False),
            ("auditor", True, True),
        ],
    )
    def test_each_role_is_offered_and_answered_the_programs_it_may_see(
        self, world, client, program, pln_program, auditor, pejabat_sumsel, pejabat_maluku, username, sees_hk, sees_pln
    ):
        from accounts.models import User

        client.force_login(User.objects.get(username=username))
        offered = dict(client.get(URL, {"period": "2023"}).context["form"].fields["program"].choices)
        for candidate, visible in ((program, sees_hk), (pln_program, sees_pln)):
            page = client.get(reverse("programs:program-detail", args=[candidate.pk]))
            dashboard = client.get(URL, {"period": "2023", "program": candidate.pk})
            assert page.status_code == dashboard.status_code == (200 if visible else 404), candidate.name
            assert (candidate.pk in offered) is visible
