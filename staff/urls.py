from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:report_id>/", views.report_detail, name="report-detail"),
    path("reports/<int:report_id>/resolve/", views.report_resolve_confirm, name="report-resolve"),
    path("review/", views.review_list, name="review-list"),
    path("review/<int:resource_id>/", views.review_detail, name="review-detail"),
    path("review/<int:resource_id>/publish/", views.review_publish, name="review-publish"),
    path("review/<int:resource_id>/return/", views.review_return, name="review-return"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:membership_id>/approve/", views.request_approve, name="request-approve"),
    path("requests/<int:membership_id>/decline/", views.request_decline, name="request-decline"),
    path("unhosted/", views.unhosted_meetings, name="unhosted-meetings"),
]
