"""The first PUMK rule set (DOMAIN.md, "Pendanaan UMK loans"), seeded by a data migration."""

import datetime

DEFAULT_RULES = {
    "name": "Ketentuan PUMK 2022",
    "effective_from": datetime.date(2022, 1, 1),
    "ceiling": 250_000_000,
    "top_up_ceiling": 100_000_000,
    "top_up_max_tenor": 12,
    "max_tenor": 36,
    "jasa_rate_bp": 300,
    "lancar_max_days": 30,
    "kurang_lancar_max_days": 180,
    "diragukan_max_days": 270,
}


def default_rule_set_ensure(rule_set_model) -> None:
    """Seed the default rules when no rule set takes effect on their date (after a flush too)."""
    defaults = {k: v for k, v in DEFAULT_RULES.items() if k != "effective_from"}
    rule_set_model.objects.get_or_create(effective_from=DEFAULT_RULES["effective_from"], defaults=defaults)
