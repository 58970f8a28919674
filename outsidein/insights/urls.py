from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("themes/", views.themes, name="themes"),
    path("journeys/", views.heatmap, name="heatmap"),
    path("channels/", views.channels, name="channels"),
    path("priorities/", views.priorities, name="priorities"),
    path("value/", views.value, name="value"),
    path("business/", views.business_link, name="business"),
]
