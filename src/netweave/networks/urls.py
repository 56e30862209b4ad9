from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("n/<slug:slug>/", views.network_detail, name="network-detail"),
]
