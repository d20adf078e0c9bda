"""`GET /api/v1/changes/?after=<cursor>`: what changed since a system last looked.

Each entry is a create, update or delete of a record the caller may see (tjsl/changes.py
writes them, a database trigger per table), with the record's current state as its detail
endpoint serves it, or a tombstone (`data: null`) for a deletion or a record that left the
caller's scope. Apps add their resources with `router.register_changes(name, ViewSet)`.
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tjsl.api_defaults import refuse_unknown_parameters
from tjsl.changes import changes_after, latest_position, positions_assign, pruned_through, unplaced_remain
from tjsl.models import Change

from .scope import scope_for

MAX_LIMIT = 500
# Rows read per request at most: a regional reader skips most rows of a national feed, so a
# page may hold fewer than `limit` entries (or none) and still say `has_more`.
MAX_SCAN = 5000


class CursorExpired(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = _(
        "This cursor lies before the changes still kept: read everything again, starting from after=latest."
    )
    default_code = "cursor_expired"


class ChangeQuerySerializer(serializers.Serializer):
    after = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "The `next_cursor` of the previous page; empty for the whole history, `latest` for a cursor "
            "after everything so far (taken before a full read, then followed)."
        ),
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT, default=100)
    types = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Resource names, comma-separated; all by default.")
    )

    def validate_after(self, value):
        if value in ("", "latest"):
            return value
        if not (value.isascii() and value.isdecimal() and len(value) <= 18):
            raise serializers.ValidationError(_("Not a cursor of this feed."), code="invalid_cursor")
        return int(value)

    def validate_types(self, value):
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - set(self.context["resources"]))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown resource: %(names)s.") % {"names": ", ".join(unknown)}, code="unknown_resource"
            )
        return names


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.CharField(help_text=_("Where this entry lies in the feed."))
    type = serializers.CharField(help_text=_("The resource: handover, partner, group…"))
    id = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=Change.Action.choices)
    at = serializers.DateTimeField()
    data = serializers.SerializerMethodField(
        help_text=_(
            "The record as its detail endpoint serves it now; null for a deletion or a record that left your scope."
        )
    )

    @extend_schema_field({"type": "object", "additionalProperties": {}, "nullable": True})
    def get_data(self, entry):
        return entry["data"]


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text=_("Pass as `after` for the next page."))
    has_more = serializers.BooleanField(help_text=_("False once the page reached the newest committed change."))


EXAMPLE = {
    "results": [
        {
            "cursor": "88301",
            "type": "handover",
            "id": 12,
            "action": "updated",
            "at": "2026-11-09T07:05:00Z",
            "data": {"id": 12, "number": "HK/TJSL/2023/0001", "status": "approved", "total": 37650000},
        },
        {"cursor": "88310", "type": "handover", "id": 14, "action": "deleted", "at": "2026-11-09T07:06:10Z",
         "data": None},
    ],
    "next_cursor": "88310",
    "has_more": False,
}  # fmt: skip


class ChangeFeedView(APIView):
    """Every create, update and delete you may see, in an order that never skips one.

    Start with `after=latest` (or empty for the whole history), read the records you need, then
    call again with each page's `next_cursor`, forever. An entry carries the record's current
    state; `data: null` means it was deleted or left your scope (a deletion may name a record you
    never received: ignore it). Several entries may name the same record: apply them in order.
    """

    permission_classes = [permissions.IsAuthenticated]
    problem_responses = {"410": _("The cursor lies before the history still kept: read everything again.")}
    router = None  # the ApiRouter, whose `change_resources` name the resources

    @extend_schema(
        parameters=[ChangeQuerySerializer],
        responses=ChangePageSerializer,
        operation_id="changes_list",
        examples=[OpenApiExample("A page", value=EXAMPLE, response_only=True)],
    )
    def get(self, request):
        resources = self.router.change_resources
        refuse_unknown_parameters(request, {"after", "limit", "types"})
        query = ChangeQuerySerializer(data=request.query_params, context={"resources": resources})
        query.is_valid(raise_exception=True)
        after = query.validated_data.get("after") or 0
        if after == "latest":
            return Response({"results": [], "next_cursor": str(latest_position()), "has_more": False})
        if after < pruned_through():
            raise CursorExpired()
        names = [name for name in query.validated_data.get("types") or resources if self._may_read(request, name)]
        positions_assign()
        entries, position, has_more = self._page(request, after, names, query.validated_data["limit"])
        if after < pruned_through():
            raise CursorExpired()  # pruned while this page was read: it may have a gap
        return Response(
            {
                "results": ChangeSerializer(entries, many=True).data,
                "next_cursor": str(position),
                "has_more": has_more or unplaced_remain(),
            }
        )

    def _page(self, request, position, names, limit):
        resources = self.router.change_resources
        scope = scope_for(request.user)
        entries: list[dict] = []
        scanned = 0
        while scanned < MAX_SCAN:
            batch = list(changes_after(position, scope=scope, resources=names)[: min(limit * 2, MAX_SCAN - scanned)])
            if not batch:
                return entries, position, False
            scanned += len(batch)
            states = self._states(request, batch, resources)
            for change in batch:
                position = change.position
                action, data = change.action, None
                if action != Change.Action.DELETED:
                    data = states[change.resource].get(change.object_id)
                    if data is None:
                        # Deleted since, or no longer visible to you: a tombstone, unless the
                        # change lay nowhere in particular and you see one region only (then it
                        # says nothing about your region).
                        if scope.region_code is not None and change.region_code is None:
                            continue
                        action = Change.Action.DELETED
                entries.append(
                    {"cursor": str(position), "type": change.resource, "id": change.object_id, "action": action,
                     "at": change.at, "data": data}
                )  # fmt: skip
                if len(entries) == limit:
                    return entries, position, True
        return entries, position, True

    def _view(self, request, name):
        return self.router.change_resources[name](
            request=request, args=(), kwargs={}, format_kwarg=None, action="retrieve"
        )

    def _may_read(self, request, name: str) -> bool:
        """The resource's own permissions (its role rules) apply to its changes too."""
        try:
            self._view(request, name).check_permissions(request)
        except (exceptions.PermissionDenied, exceptions.NotAuthenticated):
            return False
        return True

    def _states(self, request, batch, resources) -> dict[str, dict[int, dict]]:
        """The current state of each created or updated record of the batch that the reader may
        see, as its detail endpoint serializes it, but with what lists mask masked (`in_list`:
        a partner's NIK), as the feed hands out records in bulk."""
        wanted = defaultdict(set)
        for change in batch:
            if change.action != Change.Action.DELETED:
                wanted[change.resource].add(change.object_id)
        states: dict[str, dict[int, dict]] = defaultdict(dict)
        for name, ids in wanted.items():
            view = self._view(request, name)
            records = view.get_queryset().filter(pk__in=ids)
            context = {**view.get_serializer_context(), "in_list": True}
            for data in view.get_serializer_class()(records, many=True, context=context).data:
                states[name][data["id"]] = data
        return states
