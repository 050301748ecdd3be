from django.urls import path

from dichvucong.agencies import views

app_name = "agencies"
urlpatterns = [
    path("co-quan/", views.agency_index, name="agency_index"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency_detail"),
]
