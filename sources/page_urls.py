from django.urls import include, path

from . import views

urlpatterns = [
    path("sources/", views.source_list_page, name="source-list"),
    path("sources/new/", views.source_new_page, name="source-new"),
    path("", include("sources.rules_urls")),
]
