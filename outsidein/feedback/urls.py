from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("export/", views.export, name="export"),
]
