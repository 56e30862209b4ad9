"""URLs of the pages and of the account views (Django's auth views, own templates)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import membership_views as members
from . import views
from .accounts import ThrottledPasswordResetForm

accounts = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_sent, name="signup-sent"),
    path("accounts/signup/confirm/<str:token>/", views.signup_confirm, name="signup-confirm"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=ThrottledPasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("n/<slug:slug>/", views.network_detail, name="network-detail"),
    path("n/<slug:slug>/join/", members.join, name="members-join"),
    path("n/<slug:slug>/leave/", members.leave, name="members-leave"),
    path("n/<slug:slug>/profile/", members.profile, name="members-profile"),
    path("n/<slug:slug>/members/", members.manage, name="members-manage"),
    path("n/<slug:slug>/members/requests/<int:request_id>/", members.decide,
         name="members-decide"),
    path("n/<slug:slug>/members/<int:membership_id>/remove/", members.remove,
         name="members-remove"),
    path("n/<slug:slug>/members/<int:membership_id>/role/", members.set_role,
         name="members-role"),
    path("n/<slug:slug>/members/link/", members.link_history, name="members-link"),
    path("n/<slug:slug>/invitations/", members.invite, name="members-invite"),
    path("n/<slug:slug>/invitations/list/", members.invite_list, name="members-invite-list"),
    path("n/<slug:slug>/invitations/<int:invitation_id>/revoke/", members.revoke,
         name="members-revoke"),
    path("n/<slug:slug>/claim/", members.claim, name="members-claim"),
    path("invite/<str:token>/", members.invitation, name="members-invitation"),
    path("me/claims/", members.claims, name="members-claims"),
    path("me/claims/<str:token>/", members.claim_confirm, name="members-claim-confirm"),
    *accounts,
]
