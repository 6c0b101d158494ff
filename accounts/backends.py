"""Sign-in by email and password: Django's ModelBackend, with a customer's contact and
account read with the signed-in user (every customer page needs them, and the user is
read on every request anyway). A customer whose email domain signs in by their company's
identity provider has no password sign-in (accounts/sso/)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .sso.selectors import password_refused


class PortalBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and password_refused(user.email) is not None:
            return None
        return user

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("contact__account")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
