import pytest
from django.core.exceptions import ValidationError

from partners.validators import nik_errors, normalise_phone, validate_nib, validate_nik, validate_npwp


class TestNik:
    def test_accepts_a_mans_nik(self):
        assert nik_errors("1610011508850001") == []
        validate_nik("1610011508850001")

    def test_accepts_a_womans_nik_with_day_plus_forty(self):
        assert nik_errors("1610015508850002") == []
        assert nik_errors("1610017101900003") == []  # 31 + 40

    @pytest.mark.parametrize("value", ["1610013208850003", "1610011513850004", "1610017208850005", "1610010002850006"])
    def test_rejects_an_impossible_birth_date(self, value):
        with pytest.raises(ValidationError) as exc:
            validate_nik(value)
        assert exc.value.code == "invalid_nik"

    def test_does_not_reject_an_unknown_region_prefix(self):
        assert nik_errors("9901011508850001") == []

    @pytest.mark.parametrize("value", ["161001150885000", "16100115088500011", "16100115088500a1"])
    def test_rejects_anything_but_sixteen_digits(self, value):
        with pytest.raises(ValidationError):
            validate_nik(value)


class TestOtherIdentifiers:
    def test_nib_has_thirteen_digits(self):
        validate_nib("9120001234567")
        with pytest.raises(ValidationError):
            validate_nib("912000123456")

    def test_npwp_has_fifteen_or_sixteen_digits(self):
        validate_npwp("012345678901234")
        validate_npwp("0012345678901234")
        with pytest.raises(ValidationError):
            validate_npwp("12345678901234")

    def test_sixteen_digit_npwp_of_a_person_must_be_a_valid_nik(self):
        validate_npwp("1610011508850001")
        with pytest.raises(ValidationError):
            validate_npwp("1610013208850001")

    @pytest.mark.parametrize("value", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890"])
    def test_phone_is_stored_normalised(self, value):
        assert normalise_phone(value) == "+6281234567890"

    def test_rejects_a_foreign_or_garbled_phone(self):
        with pytest.raises(ValidationError):
            normalise_phone("+1 202 555 0100")
