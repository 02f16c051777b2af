import pytest


def pytest_configure(config):
    # WhiteNoise notes that `collectstatic` has not run; static files are served from static/.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is not what these tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _catalogues(compiled_catalogues):
    """Messages are asserted in German, as participants read them."""
