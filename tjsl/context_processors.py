from django.conf import settings


def site(request):
    return {"site_name": settings.TJSL_SITE_NAME}
