from disbursements.tests.conftest import ogan_ilir, partner, program  # noqa: F401 (fixtures)
