"""Numeric settings: a wrong value stops the start with one line naming the setting."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("WAITLIST_HOLD_MINUTES", "0", "WAITLIST_HOLD_MINUTES must be minutes between 1 and 1440"),
        ("BOOKING_FLOW_TIMEOUT_MINUTES", "abc", "must be minutes between 1 and 1440, not 'abc'"),
        ("PERSONAL_DATA_DAYS_AFTER_EVENT", "-5", "must be days between 1 and 3650, not '-5'"),
        ("REMINDER_CHECK_SECONDS", "0.01", "must be seconds between 0.1 and 3600"),
        ("INBOUND_BURST", "lots", "must be a number of messages (0: no limit) between 0 and"),
        ("INBOUND_REFILL_SECONDS", "1h", "must be seconds between 0.01 and 3600, not '1h'"),
    ],
)
def test_a_wrong_number_names_the_setting_and_the_range(key, value, said):
    with pytest.raises(ConfigError) as caught:
        load_settings({key: value})
    assert said in str(caught.value) and "\n" not in str(caught.value)


def test_the_defaults_and_a_good_value():
    settings = load_settings({"INBOUND_BURST": "0", "PERSONAL_DATA_DAYS_AFTER_EVENT": "30"})
    assert settings.inbound_burst == 0 and settings.personal_data_days_after_event == 30
    assert settings.inbound_refill_seconds == 2.0 and settings.waitlist_hold_minutes == 30


def test_the_second_opinion_is_on_unless_turned_off():
    assert load_settings({}).match.second_opinion is True
    assert load_settings({"MATCH_SECOND_OPINION": "false"}).match.second_opinion is False
    with pytest.raises(ConfigError) as caught:
        load_settings({"MATCH_SECOND_OPINION": "maybe"})
    assert str(caught.value) == "MATCH_SECOND_OPINION must be true or false, not 'maybe'"
