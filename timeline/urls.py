"""URL routes: the public timeline, its exports and feeds, "Add article" and Django admin."""

from django.contrib import admin
from django.urls import path

from timeline import views
from timeline.exports import views as exports
from timeline.throttling import ThrottledAdminLoginForm

admin.site.site_header = "News timeline editors"
admin.site.site_title = "News timeline"
admin.site.index_title = "Stories, articles and events"
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("", views.story_list, name="story_list"),
    path("favicon.ico", views.favicon),
    path("stories/<slug:slug>/", views.story_timeline, name="story"),
    path("stories/<slug:slug>/articles/<int:pk>/", views.article_detail, name="article"),
    path("stories/<slug:slug>/events/<int:pk>/", views.event_detail, name="event"),
    # Exports and feeds take exactly the timeline's filter parameters.
    path(
        "stories/<slug:slug>/timeline.json",
        exports.story_export,
        {"fmt": "timelinejs"},
        name="export_timelinejs",
    ),
    path("stories/<slug:slug>/events.csv", exports.story_export, {"fmt": "csv"}, name="export_csv"),
    path(
        "stories/<slug:slug>/events.json", exports.story_export, {"fmt": "json"}, name="export_json"
    ),
    path("stories/<slug:slug>/events.ics", exports.story_export, {"fmt": "ics"}, name="export_ics"),
    path(
        "stories/<slug:slug>/feed.atom", exports.story_export, {"fmt": "atom"}, name="export_atom"
    ),
    path("articles/add/", views.article_add, name="article_add"),
    path("admin/", admin.site.urls),
]
