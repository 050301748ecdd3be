import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Files go to a fresh directory per test, so tests can assert exactly what is on disk."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def citizen(db):
    from dichvucong.documents.tests.factories import make_user

    return make_user()


@pytest.fixture
def other_citizen(db):
    from dichvucong.documents.tests.factories import make_user

    return make_user(username="001099054321", full_name="Trần Thị B")
