"""Trust's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("accounts/tokens/", views.tokens, name="trust-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_token, name="trust-token-revoke"),
    path("accounts/privacy/", views.privacy, name="trust-privacy"),
    path("accounts/privacy/my-data.json", views.export_json, name="trust-export-json"),
    path("accounts/privacy/my-data.zip", views.export_zip, name="trust-export-zip"),
    path("accounts/privacy/delete/", views.delete_account, name="trust-delete-account"),
    path("staff/audit/", views.audit_log, name="trust-audit"),
    path("n/<slug:slug>/retention/", views.retention_settings, name="trust-retention"),
    path("n/<slug:slug>/retention/apply/", views.retention_apply,
         name="trust-retention-apply"),
]
