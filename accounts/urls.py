from django.urls import path

from . import views
from .sso import views as sso_views
from .team import views as team

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("incident-mail/", views.incident_mail, name="incident_mail"),
    path("single-sign-on/", sso_views.account_sign_on, name="single_sign_on"),
    path("mail/", team.my_mail, name="my_mail"),
    path("team/", team.team, name="team"),
    path("team/invite/", team.invite, name="team_invite"),
    path("team/invitations/<int:invitation_id>/withdraw/", team.withdraw, name="team_withdraw"),
    path("team/contacts/<int:contact_id>/", team.contact, name="team_contact"),
    path("team/contacts/<int:contact_id>/deactivate/", team.deactivate, name="team_deactivate"),
    path("team/contacts/<int:contact_id>/reactivate/", team.reactivate, name="team_reactivate"),
    path("team/record/", team.record, name="team_record"),
    path("team/join/<str:token>/", team.join, name="join"),
]
