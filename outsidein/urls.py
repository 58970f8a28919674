from django.contrib import admin
from django.urls import include, path

from outsidein.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("outsidein.web.urls")),
    path("feedback/", include("outsidein.feedback.urls")),
    path("customers/", include("outsidein.customers.urls")),
    path("journeys/", include("outsidein.journeys.urls")),
    path("account/", include("outsidein.accounts.urls")),
    path("codebook/", include("outsidein.codebook.urls")),
    path("cases/", include("outsidein.cases.urls")),
    path("insights/", include("outsidein.insights.urls")),
    path("", include("outsidein.surveys.urls")),
]
