from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/accept-touchpoint/", views.accept_touchpoint, name="accept_touchpoint"),
    path("export/", views.export, name="export"),
]
