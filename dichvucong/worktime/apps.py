from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "dichvucong.worktime"
    label = "worktime"
    verbose_name = "Thời gian làm việc, ngày nghỉ"
