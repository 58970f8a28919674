from django.urls import path

from . import public_views, staff_views

app_name = "surveys"
urlpatterns = [
    # What customers open: short links, no login.
    path("s/p/<slug:slug>/", public_views.public, name="public"),
    path("s/p/<slug:slug>/thanks/", public_views.public_thanks, name="public_thanks"),
    path("s/u/<str:code>/", public_views.unsubscribe, name="unsubscribe"),
    path("s/<str:token>/", public_views.personal, name="personal"),
    path("s/<str:token>/thanks/", public_views.personal_thanks, name="personal_thanks"),
    # The CX lead's pages.
    path("surveys/", staff_views.survey_list, name="list"),
    path("surveys/rates/", staff_views.rates_page, name="rates"),
    path("surveys/<slug:slug>/", staff_views.survey_detail, name="detail"),
    path("surveys/<slug:slug>/edit/", staff_views.survey_edit, name="edit"),
    path("surveys/<slug:slug>/qr.svg", staff_views.survey_qr, name="qr"),
]
