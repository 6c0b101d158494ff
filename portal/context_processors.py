from django.conf import settings


def contract(request):
    """Contact points of the contract that many pages show."""
    return {
        "SEVERITY1_HOTLINE": settings.SEVERITY1_HOTLINE,
        "SUPPORT_EMAIL_ADDRESS": settings.SUPPORT_EMAIL_ADDRESS,
    }
