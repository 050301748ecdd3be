from django.urls import path

from dichvucong.portal import views

app_name = "portal"
urlpatterns = [
    path("tin-tuc/", views.news_list, name="news_list"),
    path("tin-tuc/<slug:slug>/", views.news_detail, name="news_detail"),
    path("tham-do-y-kien/<int:poll_id>/", views.poll_detail, name="poll"),
    path("quan-ly/tin-tuc/", views.manage_article_list, name="manage_list"),
    path("quan-ly/tin-tuc/them/", views.manage_article_edit, name="manage_create"),
    path("quan-ly/tin-tuc/<int:article_id>/", views.manage_article_edit, name="manage_edit"),
]
