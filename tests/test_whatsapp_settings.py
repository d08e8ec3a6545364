"""The WhatsApp settings: all four credentials or none, and one line naming what is wrong."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.config_whatsapp import DEFAULT_API_BASE_URL, Template
from bot.errors import ConfigError

CREDENTIALS = {
    "WHATSAPP_TOKEN": "EAAG-test",
    "WHATSAPP_PHONE_NUMBER_ID": "1234567890",
    "WHATSAPP_APP_SECRET": "app-secret",
    "WHATSAPP_VERIFY_TOKEN": "verify-me",
}


def test_whatsapp_is_off_without_credentials_and_on_with_all_four():
    assert not load_settings({}).whatsapp.configured
    settings = load_settings(CREDENTIALS).whatsapp
    assert settings.configured and settings.phone_number_id == "1234567890"
    assert settings.api_base_url == DEFAULT_API_BASE_URL
    assert (settings.webhook_port, settings.webhook_path) == (8080, "whatsapp")
    assert "EAAG-test" not in repr(settings) and "app-secret" not in repr(settings)


def test_the_default_graph_api_version_is_the_one_pywa_speaks():
    from pywa.utils import Version

    assert DEFAULT_API_BASE_URL.endswith(f"/v{Version.GRAPH_API.value}")


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"WHATSAPP_APP_SECRET": ""}, "WHATSAPP_APP_SECRET must be set too"),
        ({"WHATSAPP_PHONE_NUMBER_ID": "+212 6"}, "WHATSAPP_PHONE_NUMBER_ID must be the number"),
        ({"WHATSAPP_API_BASE_URL": "graph.facebook.com"}, "WHATSAPP_API_BASE_URL must start"),
        ({"WHATSAPP_WEBHOOK_PORT": "80800"}, "WHATSAPP_WEBHOOK_PORT must be a port"),
        ({"WHATSAPP_WEBHOOK_PATH": "wa hook"}, "WHATSAPP_WEBHOOK_PATH may use"),
        ({"WHATSAPP_TEMPLATE_REMINDER": "reminder"}, "WHATSAPP_TEMPLATE_REMINDER must be"),
        ({"ADMIN_WHATSAPP_NUMBERS": "+212 6 12, moi"}, "ADMIN_WHATSAPP_NUMBERS must be"),
        ({"WHATSAPP_MESSAGES_PER_SECOND": "0"}, "WHATSAPP_MESSAGES_PER_SECOND must be"),
    ],
)
def test_a_wrong_setting_is_named_in_one_line(changes, named):
    with pytest.raises(ConfigError) as caught:
        load_settings({**CREDENTIALS, **changes})
    message = str(caught.value)
    assert message.startswith(named) and "\n" not in message


def test_admin_numbers_and_templates_are_read_as_written():
    settings = load_settings(
        {
            **CREDENTIALS,
            "ADMIN_WHATSAPP_NUMBERS": "+212 6 12 34 56 78, 0033612345678",
            "WHATSAPP_TEMPLATE_REMINDER": "mre_reminder:ar,fr,en_US",
        }
    ).whatsapp
    assert settings.admin_numbers == {"212612345678", "33612345678"}
    reminder = settings.template_reminder
    assert reminder == Template("mre_reminder", ("ar", "fr", "en_US"))
    assert reminder.language_for("en") == "en_US" and reminder.language_for("ar") == "ar"
    assert settings.template_offer is None
