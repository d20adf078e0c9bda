"""The admin's history pages, safe with any id in the address.

django-simple-history filters its records by the id as typed, so /admin/<model>/²/history/
made int() fail with a 500; an id that is not one of the model's is a 404 here, as on the
change page.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history import admin as simple_history_admin


class SimpleHistoryAdmin(simple_history_admin.SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        return super().history_view(request, object_id, extra_context=extra_context)
