"""Every file the app hands out as a download is private to the user who asked for it.

Exports, evidence, signed scans, reports and rejected import rows carry personal
data. Rather than trusting each view to remember, any response sent as an
attachment is marked so that no shared cache or browser cache keeps it, and no
browser sniffs it into another type.
"""


class PrivateDownloadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Disposition", "").lower().startswith("attachment"):
            response["Cache-Control"] = "private, no-store"
            response["X-Content-Type-Options"] = "nosniff"
        return response
