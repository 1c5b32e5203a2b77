"""Whether a Prefect API is configured, read the way Prefect reads it (without importing Prefect)."""
from __future__ import annotations

from flows.orchestration.prefect_settings import api_url

API = "http://127.0.0.1:4200/api"


def test_nothing_configured_means_no_api(tmp_path):
    assert api_url({"PREFECT_HOME": str(tmp_path / "home")}, tmp_path) is None


def test_the_environment_wins_and_empty_means_none(tmp_path):
    (tmp_path / "prefect.toml").write_text(f'[api]\nurl = "{API}"\n')
    assert api_url({"PREFECT_API_URL": "http://other/api"}, tmp_path) == "http://other/api"
    assert api_url({"PREFECT_API_URL": ""}, tmp_path) is None


def test_files_in_the_working_directory(tmp_path):
    env = {"PREFECT_HOME": str(tmp_path / "home")}
    (tmp_path / "pyproject.toml").write_text(f'[tool.prefect.api]\nurl = "{API}"\n')
    assert api_url(env, tmp_path) == API
    (tmp_path / "prefect.toml").write_text('[api]\nurl = "http://toml/api"\n')
    assert api_url(env, tmp_path) == "http://toml/api"
    (tmp_path / ".env").write_text('# local\nexport PREFECT_API_URL="http://dotenv/api"\n')
    assert api_url(env, tmp_path) == "http://dotenv/api"


def test_the_active_profile(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "profiles.toml").write_text(
        'active = "local"\n[profiles.local]\n[profiles.server]\nPREFECT_API_URL = "%s"\n' % API)
    assert api_url({"PREFECT_HOME": str(home)}, tmp_path) is None
    assert api_url({"PREFECT_HOME": str(home), "PREFECT_PROFILE": "server"}, tmp_path) == API
    (home / "profiles.toml").write_text('active = "server"\n[profiles.server]\nPREFECT_API_URL = "%s"\n' % API)
    assert api_url({"PREFECT_HOME": str(home)}, tmp_path) == API
