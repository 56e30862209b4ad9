"""Dashboard pages (mounted at the site's root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("n/<slug:slug>/report/", views.network_report, name="network-report"),
    path("n/<slug:slug>/dashboard/", views.network_dashboard, name="dashboard-network"),
    path("n/<slug:slug>/dashboard/map/", views.network_map, name="dashboard-map"),
    path("n/<slug:slug>/dashboard/activities/", views.activities, name="dashboard-activities"),
    path("n/<slug:slug>/dashboard/me/", views.member, name="dashboard-member"),
    path("dashboard/networks/", views.host, name="dashboard-host"),
    path("dashboard/assets/plotly-<str:version>.min.js", views.plotly_js,
         name="dashboard-plotly"),
]
