"""Pages of the Design area (the charter wizard, guidance, history, the directory)."""

from django.urls import path

from . import views

urlpatterns = [
    path("design/new/", views.start, name="charters-start"),
    path("design/new/<slug:step>/", views.wizard_step, name="charters-start-step"),
    path("directory/", views.directory, name="charters-directory"),
    path("n/<slug:slug>/charter/revise/", views.revise, name="charters-revise"),
    path("n/<slug:slug>/charter/revise/<slug:step>/", views.wizard_step,
         name="charters-revise-step"),
    path("n/<slug:slug>/charter/guidance/", views.guidance_page, name="charters-guidance"),
    path("n/<slug:slug>/charter/history/", views.history, name="charters-history"),
]
