"""URLs of the Weave pages (included at the root with every netweave app's urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("n/<slug:slug>/weave/", views.home, name="weaving-home"),
    path("n/<slug:slug>/weave/add/", views.add_item, name="weaving-add"),
    path("n/<slug:slug>/weave/interests/", views.interests, name="weaving-interests"),
    path("n/<slug:slug>/weave/<str:kind>/<int:pk>/fulfil/", views.fulfil,
         name="weaving-fulfil"),
    path("n/<slug:slug>/weave/exchanges/<int:pk>/confirm/", views.confirm,
         name="weaving-confirm"),
    path("n/<slug:slug>/weave/introduce/", views.introduce, name="weaving-introduce"),
    path("n/<slug:slug>/weave/introductions/<int:pk>/answer/", views.answer,
         name="weaving-answer"),
    path("n/<slug:slug>/weave/facilitate/", views.facilitate, name="weaving-facilitate"),
    path("n/<slug:slug>/weave/stories/", views.stories, name="weaving-stories"),
]
