"""Trust's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("accounts/tokens/", views.tokens, name="trust-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_token, name="trust-token-revoke"),
    path("staff/audit/", views.audit_log, name="trust-audit"),
]
