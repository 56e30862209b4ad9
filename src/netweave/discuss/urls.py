"""Pages of the discussions, warmth between meetings and the digest choice."""

from django.urls import path

from . import views

urlpatterns = [
    path("n/<slug:slug>/discussions/", views.topic_list, name="discuss-list"),
    path("n/<slug:slug>/discussions/new/", views.topic_new, name="discuss-new"),
    path("n/<slug:slug>/discussions/<int:pk>/", views.topic_detail, name="discuss-topic"),
    path("n/<slug:slug>/discussions/<int:pk>/reply/", views.topic_reply, name="discuss-reply"),
    path("n/<slug:slug>/discussions/<int:pk>/follow/", views.topic_follow,
         name="discuss-follow"),
    path("n/<slug:slug>/discussions/<int:pk>/posts/<int:post>/react/", views.post_react,
         name="discuss-react"),
    path("n/<slug:slug>/discussions/<int:pk>/posts/<int:post>/accept/", views.post_accept,
         name="discuss-accept"),
    path("n/<slug:slug>/between-meetings/", views.between_meetings, name="discuss-between"),
    path("n/<slug:slug>/conversations/<int:pk>/", views.conversation,
         name="discuss-conversation"),
    path("digest/", views.digest_settings, name="discuss-digest"),
]
