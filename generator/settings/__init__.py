"""The settings: the typed model (generator.settings.model) and the loader that reads settings.yaml and the
CAPWEEKLY__ environment overrides into it (generator.settings.loader)."""

from generator.settings.loader import ENV_PREFIX, env_overrides, load_settings
from generator.settings.model import TICKER_PATTERN, Settings, Tickers, absolute_url, missing_optional, settings_schema

__all__ = ["ENV_PREFIX", "TICKER_PATTERN", "Settings", "Tickers", "absolute_url", "env_overrides", "load_settings",
           "missing_optional", "settings_schema"]
