from django.urls import include, path

from . import views

urlpatterns = [
    path("sources/", views.source_list_page, name="source-list"),
    path("sources/new/", views.source_new_page, name="source-new"),
    path("sources/batches/<int:pk>/", views.ingest_batch_page, name="ingest-batch"),
    path("", include("sources.rules_urls")),
]
