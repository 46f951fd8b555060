"""The editors' review pages (editors only; see ``claims.review_views``)."""

from django.urls import path

from . import review_views

urlpatterns = [
    path("review/", review_views.review_queue_page, name="review-page"),
    path("review/<int:pk>/verdict/", review_views.review_verdict, name="review-verdict"),
]
