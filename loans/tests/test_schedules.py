"""Schedules checked against arithmetic done by hand."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from loans.schedules import add_months, flat_rate, schedule, total_jasa

START = datetime.date(2024, 1, 15)


class TestEfektif:
    def test_fifty_million_over_twelve_months_at_three_percent(self):
        rows = schedule(amount=50_000_000, tenor=12, rate_bp=300, method="efektif", start=START)
        # 50.000.000 / 12 = 4.166.666 rest 8: eleven of 4.166.666 and 4.166.674 last.
        assert [r.principal for r in rows] == [4_166_666] * 11 + [4_166_674]
        # Jasa = 0,25% of the principal at the start of each month, half up:
        # 50.000.000 -> 125.000; 45.833.334 -> 114.583,335 -> 114.583; 41.666.668 -> 104.166,67 -> 104.167.
        assert [r.jasa for r in rows[:3]] == [125_000, 114_583, 104_167]
        # Last month: 4.166.674 x 0,25% = 10.416,685 -> 10.417.
        assert rows[-1].jasa == 10_417
        assert rows[-1].outstanding_after == 0

    def test_first_instalment_falls_due_a_month_after_disbursement(self):
        rows = schedule(amount=50_000_000, tenor=12, rate_bp=300, method="efektif", start=START)
        assert rows[0].due_date == datetime.date(2024, 2, 15)
        assert rows[-1].due_date == datetime.date(2025, 1, 15)

    def test_total_jasa_by_hand(self):
        rows = schedule(amount=12_000_000, tenor=12, rate_bp=300, method="efektif", start=START)
        # Principal 1.000.000 a month; jasa 0,25% of 12, 11, ..., 1 million = 2.500 x 78 = 195.000.
        assert [r.jasa for r in rows] == [2_500 * k for k in range(12, 0, -1)]
        assert total_jasa(rows) == 195_000


class TestFlat:
    def test_equivalent_rate_for_twelve_months_is_1_625_percent(self):
        assert flat_rate(300, 12) * 100 == 1.625

    def test_same_jasa_every_month(self):
        rows = schedule(amount=50_000_000, tenor=12, rate_bp=300, method="flat", start=START)
        # 50.000.000 x 1,625% / 12 = 67.708,33 -> 67.708 each month.
        assert {r.jasa for r in rows} == {67_708}
        assert sum(r.principal for r in rows) == 50_000_000


class TestDates:
    def test_the_31st_falls_on_the_months_last_day(self):
        assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
        assert add_months(datetime.date(2024, 11, 30), 3) == datetime.date(2025, 2, 28)


@given(
    amount=st.integers(min_value=1, max_value=350_000_000),
    tenor=st.integers(min_value=1, max_value=36),
    method=st.sampled_from(["efektif", "flat"]),
)
def test_principal_sums_exactly_to_the_loan(amount, tenor, method):
    rows = schedule(amount=amount, tenor=tenor, rate_bp=300, method=method, start=START)
    assert sum(r.principal for r in rows) == amount
    assert len(rows) == tenor
    assert all(r.principal >= 0 and r.jasa >= 0 for r in rows)
    assert len({r.principal for r in rows[:-1]}) <= 1 and rows[-1].principal >= rows[0].principal
