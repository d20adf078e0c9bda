from functools import wraps

from django.core.exceptions import PermissionDenied


def user_manager_required(view):
    """Pages only a company's administrator opens (its users, its webhooks): 403 for anyone else."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can_manage_users:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
