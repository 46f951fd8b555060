from django.urls import include, path

# Each page area keeps its own routes: the reader and claim pages, and the
# editors' review pages.
urlpatterns = [
    path("", include("claims.page_urls")),
    path("", include("claims.review_urls")),
]
