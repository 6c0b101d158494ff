"""The team pages: the primary contact's, and the invitee's link."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..access import customer_required, primary_contact_required
from ..sso.selectors import sign_on_for_email
from . import selectors, services
from .forms import InvitationForm, JoinForm, MailChoicesForm


def _team_page(request, invitation_form=None, status=200):
    return render(
        request,
        "accounts/team/team.html",
        {
            "contacts": selectors.team_contacts(request.account),
            "invitations": selectors.open_invitations(request.account, now=timezone.now()),
            "form": invitation_form or InvitationForm(initial={"language": request.user.language}),
        },
        status=status,
    )


@primary_contact_required
def team(request):
    return _team_page(request)


@require_POST
@primary_contact_required
def invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.invitation_send(
                account=request.account,
                invited_by=request.user,
                now=timezone.now(),
                **form.cleaned_data,
            )
        except services.TeamError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, _("An invitation was mailed to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:team")
    return _team_page(request, form, status=400)


@require_POST
@primary_contact_required
def withdraw(request, invitation_id):
    invitation = selectors.team_invitation(request.account, invitation_id)
    if invitation is None:
        raise Http404
    try:
        services.invitation_withdraw(invitation=invitation, actor=request.user, now=timezone.now())
    except services.TeamError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts:team")


def _contact_or_404(request, contact_id):
    contact = selectors.team_contact(request.account, contact_id)
    if contact is None:
        raise Http404
    return contact


@primary_contact_required
def contact(request, contact_id):
    """A colleague's page: which mail they receive, and their deactivation."""
    contact = _contact_or_404(request, contact_id)
    form = MailChoicesForm.for_contact(contact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_set_mail_choices(contact=contact, actor=request.user, **form.cleaned_data)
        messages.success(
            request, _("The mail choices of %(name)s were saved.") % {"name": contact.user}
        )
        return redirect("accounts:team_contact", contact.pk)
    return render(
        request,
        "accounts/team/contact.html",
        {
            "contact": contact,
            "form": form,
            # Only staff undo a deactivation of theirs: no button that would be refused.
            "staff_deactivated": not contact.user.is_active
            and services.deactivated_by_staff(contact),
        },
        status=400 if form.errors else 200,
    )


def _activation(service, done: str):
    @require_POST
    @primary_contact_required
    def view(request, contact_id):
        contact = _contact_or_404(request, contact_id)
        try:
            service(contact=contact, actor=request.user)
        except services.TeamError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, str(done) % {"name": contact.user})
        return redirect("accounts:team_contact", contact.pk)

    return view


deactivate = _activation(
    services.contact_deactivate, gettext_lazy("%(name)s was deactivated and signed out.")
)
reactivate = _activation(services.contact_reactivate, gettext_lazy("%(name)s can sign in again."))


@primary_contact_required
def record(request):
    return render(
        request,
        "accounts/team/record.html",
        {"events": selectors.account_record(request.account, request.GET.get("page"))},
    )


@require_POST
@customer_required
def my_mail(request):
    """A contact sets which mail they receive themselves, on their profile page."""
    form = MailChoicesForm.for_contact(request.user.contact, request.POST)
    if form.is_valid():
        # Incident updates are set in their own card of the profile page.
        services.contact_set_mail_choices(
            contact=request.user.contact,
            actor=request.user,
            case_mail=form.cleaned_data["case_mail"],
            blocklist_alerts=form.cleaned_data["blocklist_alerts"],
        )
        messages.success(request, _("Your mail choices were saved."))
    else:
        messages.error(request, _("Choose which case mail you receive."))
    return redirect("accounts:profile")


# --- the invitee ----------------------------------------------------------------------------


def join(request, token):
    """The invitation's link. Refused with a sentence, or accepted by choosing a password."""
    invitation = selectors.invitation_by_token(token)
    refusal = services.invitation_refusal(invitation, now=timezone.now())
    if refusal:
        return render(
            request,
            "accounts/team/join_refused.html",
            {"refusal": refusal},
            status=404 if invitation is None else 410,
        )
    if sign_on_for_email(invitation.email) is not None:
        # The invitee's domain signs in by single sign-on only: their provider proves the
        # address, and the sign-in accepts the invitation (accounts/sso/backends.py).
        query = urlencode({"email": invitation.email, "next": reverse("home")})
        return redirect(f"{reverse('sso:start')}?{query}")
    return _accept_with_password(request, invitation)


def _accept_with_password(request, invitation):
    """The invitee chooses their name and a password, becomes a contact and is signed in."""
    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                now=timezone.now(),
            )
        except services.TeamError as error:
            return render(
                request,
                "accounts/team/join_refused.html",
                {"refusal": error.messages[0]},
                status=410,
            )
        login(request, user, backend="accounts.backends.PortalBackend")
        messages.success(
            request,
            _("Welcome: you are a contact of %(account)s.") % {"account": invitation.account.name},
        )
        return redirect("home")
    return render(
        request,
        "accounts/team/join.html",
        {"invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )
