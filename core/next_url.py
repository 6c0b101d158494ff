"""Where to go after a sign-in: a path of this site only, never another site's address."""

from django.utils.http import url_has_allowed_host_and_scheme


def path_of_this_site(request, candidate: str) -> str | None:
    # A path only: a bare word ("-1") would be taken for a view's name by redirect().
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None
