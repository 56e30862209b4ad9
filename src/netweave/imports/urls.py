"""Pages of the import app (mounted at the site root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("n/<slug:slug>/import/", views.home, name="imports-home"),
    path("n/<slug:slug>/import/<int:run_id>/", views.run_detail, name="imports-run"),
    path("n/<slug:slug>/import/review/", views.review, name="imports-review"),
]
