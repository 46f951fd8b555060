from django.urls import path

from . import pages

urlpatterns = [
    path("profile/", pages.profile, name="profile"),
]
