from django.conf import settings


def site(request):
    return {"tjsl_site_name": settings.TJSL_SITE_NAME}
