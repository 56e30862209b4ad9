"""Meeting pages, exports and calendar feeds (mounted at the site root)."""

from django.urls import path

from . import views

E = "n/<slug:slug>/events/<int:pk>/"

urlpatterns = [
    path("n/<slug:slug>/events/", views.event_list, name="meet-event-list"),
    path("n/<slug:slug>/events/new/", views.event_create, name="meet-event-create"),
    path("n/<slug:slug>/events/check-in/", views.checkin_settings,
         name="meet-checkin-settings"),
    path("n/<slug:slug>/events.ics", views.network_feed, name="meet-network-feed"),
    path(E, views.event_detail, name="meet-event-detail"),
    path(E + "edit/", views.event_edit, name="meet-event-edit"),
    path(E + "cancel/", views.event_cancel, name="meet-event-cancel"),
    path(E + "rsvp/", views.event_rsvp, name="meet-event-rsvp"),
    path(E + "register/", views.event_register, name="meet-event-register"),
    path(E + "invite/", views.event_invite, name="meet-event-invite"),
    path(E + "door/", views.event_door, name="meet-event-door"),
    path(E + "checkin/", views.event_checkin, name="meet-event-checkin"),
    path(E + "attendees.csv", views.event_export, {"fmt": "csv"}, name="meet-export-csv"),
    path(E + "attendees.xlsx", views.event_export, {"fmt": "xlsx"}, name="meet-export-xlsx"),
    path(E + "event.ics", views.event_ics, name="meet-event-ics"),
    path(E + "series.ics", views.series_ics, name="meet-series-ics"),
    path("meet/calendar/", views.my_calendar, name="meet-my-calendar"),
    path("meet/feed/<str:token>.ics", views.person_feed, name="meet-person-feed"),
]
