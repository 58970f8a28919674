app_name = "journeys"
urlpatterns: list = []
