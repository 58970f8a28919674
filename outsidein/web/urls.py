# No namespace: Django's auth conventions (LOGIN_URL = "login") use these plain names.
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("i18n/setlang/", views.set_language, name="set_language"),
]
