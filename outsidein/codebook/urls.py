from django.urls import path

from . import views

app_name = "codebook"
urlpatterns = [
    path("", views.index, name="index"),
    path("themes/new/", views.theme_new, name="theme_new"),
    path("themes/<int:pk>/", views.theme_edit, name="theme_edit"),
    path("themes/test/", views.theme_test, name="theme_test"),
    path("start/", views.start_default, name="start_default"),
    path("import/", views.upload, name="import"),
    path("export/", views.download, name="export"),
    path("reanalyse/", views.reanalyse, name="reanalyse"),
    path("topics/", views.topics, name="topics"),
    path("sentiment/", views.sentiment, name="sentiment"),
    path("sentiment/train/", views.train, name="train"),
    path("topics/discover/", views.discover, name="discover"),
    path("topics/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("topics/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
