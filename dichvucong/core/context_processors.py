from django.conf import settings


def site(request):
    return {"site_name": settings.DVC_SITE_NAME}
