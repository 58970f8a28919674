from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.my_cases, name="mine"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/assign/", views.assign_case, name="assign"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/outer-loop/", views.outer_loop, name="outer_loop"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/dry-run/", views.rule_dry_run, name="rule_dry_run"),
    path("dead-letters/", views.dead_letters, name="dead_letters"),
    path("metrics/", views.metrics, name="metrics"),
    path("preferences/", views.preferences, name="preferences"),
]
