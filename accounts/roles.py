"""The five roles, as Django groups, and the model permissions each one holds.

Permissions of apps that do not exist yet are skipped and picked up by the
next `migrate` (post_migrate signal), so each app only has to be listed here.
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    ADMINISTRATOR = "Administrator", _("Administrator")
    STAF = "Staf TJSL", _("TJSL staff")
    MANAJER = "Manajer", _("Manager")
    PEJABAT = "Pejabat Daerah", _("Regional official")
    AUDITOR = "Auditor", _("Auditor")


VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (VIEW, ADD, CHANGE, DELETE)

# app_label.model -> actions, per role.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.ADMINISTRATOR: {
        "accounts.company": ALL,
        "accounts.user": ALL,
        "regions.region": (VIEW, CHANGE),
        "partners.partner": ALL,
        "partners.businessgroup": ALL,
        "partners.membership": ALL,
        "partners.assessment": ALL,
        "partners.exportmilestone": ALL,
        "programs.program": ALL,
        "programs.programbudget": ALL,
        "programs.programtarget": ALL,
        "programs.activity": ALL,
        "disbursements.disbursement": (VIEW,),
        "loans.loan": (VIEW,),
        "loans.loanfund": ALL,
        "reports.impactreport": (VIEW, ADD),
        "webhooks.subscription": ALL,
        "webhooks.delivery": (VIEW, CHANGE),
    },
    Role.STAF: {
        "regions.region": (VIEW,),
        "accounts.company": (VIEW,),
        "partners.partner": (VIEW, ADD, CHANGE),
        "partners.businessgroup": (VIEW, ADD, CHANGE),
        "partners.membership": (VIEW, ADD, CHANGE),
        "partners.assessment": (VIEW, ADD, CHANGE),
        "partners.exportmilestone": (VIEW, ADD, CHANGE),
        "programs.program": (VIEW,),
        "programs.programbudget": (VIEW,),
        "programs.programtarget": (VIEW,),
        "programs.activity": (VIEW, ADD, CHANGE),
        "disbursements.disbursement": (VIEW, ADD, CHANGE),
        "loans.loan": (VIEW, ADD, CHANGE),
        "loans.repayment": (VIEW, ADD),
        "reports.impactreport": (VIEW,),
    },
    Role.MANAJER: {
        "regions.region": (VIEW,),
        "accounts.company": (VIEW,),
        "partners.partner": (VIEW,),
        "partners.businessgroup": (VIEW,),
        "partners.membership": (VIEW,),
        "partners.assessment": (VIEW,),
        "partners.exportmilestone": (VIEW,),
        "programs.program": ALL,
        "programs.programbudget": ALL,
        "programs.programtarget": ALL,
        "programs.activity": ALL,
        "disbursements.disbursement": (VIEW, ADD, CHANGE),
        "loans.loan": (VIEW, ADD, CHANGE),
        "loans.repayment": (VIEW, ADD),
        "loans.loanfund": (VIEW,),
        "reports.impactreport": (VIEW, ADD),
    },
    Role.PEJABAT: {
        "regions.region": (VIEW,),
        "accounts.company": (VIEW,),
        "partners.partner": (VIEW,),
        "partners.businessgroup": (VIEW,),
        "partners.assessment": (VIEW,),
        "partners.exportmilestone": (VIEW,),
        "programs.program": (VIEW,),
        "programs.activity": (VIEW,),
        "disbursements.disbursement": (VIEW,),
        "loans.loan": (VIEW,),
        "reports.impactreport": (VIEW, ADD),
    },
    Role.AUDITOR: {
        "regions.region": (VIEW,),
        "accounts.company": (VIEW,),
        "accounts.user": (VIEW,),
        "partners.partner": (VIEW,),
        "partners.businessgroup": (VIEW,),
        "partners.membership": (VIEW,),
        "partners.assessment": (VIEW,),
        "partners.exportmilestone": (VIEW,),
        "programs.program": (VIEW,),
        "programs.programbudget": (VIEW,),
        "programs.programtarget": (VIEW,),
        "programs.activity": (VIEW,),
        "disbursements.disbursement": (VIEW,),
        "loans.loan": (VIEW,),
        "loans.repayment": (VIEW,),
        "reports.impactreport": (VIEW,),
    },
}

# Roles a company's Administrator may give inside their company. Regional officials and
# auditors see every company's records: only a platform superuser gives those roles.
COMPANY_ADMIN_GRANTABLE_ROLES = (Role.STAF, Role.MANAJER, Role.ADMINISTRATOR)
# Roles a company administrator may give a service account (a system calling the API).
SERVICE_ROLES = (Role.STAF, Role.MANAJER)

# Roles that may see personal data (NIK, phone, address) unmasked.
ROLES_SEEING_PERSONAL_DATA = {Role.ADMINISTRATOR, Role.STAF, Role.MANAJER}


def roles_create(group_model) -> None:
    for role in Role:
        group_model.objects.get_or_create(name=role.value)


def roles_sync_permissions(sender=None, **kwargs) -> None:
    """Give every role exactly the permissions listed above that exist now."""
    from django.contrib.auth.models import Group, Permission

    for role, models in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted, actions in models.items():
            app_label, model = dotted.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            wanted += Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.set(wanted)
