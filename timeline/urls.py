"""URL routes: the public timeline, the staff "Add article" page and Django admin."""

from django.contrib import admin
from django.urls import path

from timeline import views
from timeline.throttling import ThrottledAdminLoginForm

admin.site.site_header = "News timeline editors"
admin.site.site_title = "News timeline"
admin.site.index_title = "Stories, articles and events"
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("", views.story_list, name="story_list"),
    path("stories/<slug:slug>/", views.story_timeline, name="story"),
    path("stories/<slug:slug>/articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/add/", views.article_add, name="article_add"),
    path("admin/", admin.site.urls),
]
