"""The feed's ids do not depend on the host a publish used (issue 23): a test publish on 127.0.0.1 and the
real site give feed readers the same ids, so no issue shows twice."""

from __future__ import annotations

import shutil
import uuid
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.errors import SettingsError
from generator.publish.site import publish_site
from generator.settings import load_settings
from tests.conftest import SETTINGS

NS = {"a": "http://www.w3.org/2005/Atom"}


def _settings(tmp_path, feed_id):
    raw = yaml.safe_load(SETTINGS.read_text())
    raw["site"]["feed_id"] = feed_id
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _ids(settings, reports, target, base):
    publish_site(settings, reports, target, base, allow_sample=True)
    feed = ET.fromstring((target / "feed.xml").read_bytes())
    return [feed.find("a:id", NS).text] + [e.find("a:id", NS).text for e in feed.findall("a:entry", NS)]


@pytest.fixture
def reports(sample_build, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(sample_build, out / sample_build.name)
    return out


def test_ids_come_from_feed_id_not_the_host(reports, tmp_path):
    feed_id = uuid.uuid4().urn
    settings = load_settings(_settings(tmp_path, feed_id))
    local = _ids(settings, reports, tmp_path / "local", "http://127.0.0.1:8000/")
    real = _ids(settings, reports, tmp_path / "real", "https://letters.example.org/smallcaps/")
    assert local == real and local[0] == feed_id and len(set(local)) == len(local) == 2
    assert local[1] == uuid.uuid5(uuid.UUID(feed_id[9:]), f"issue/{sample_build_day(reports)}").urn
    # without one, ids follow the host (as before: an existing feed's ids never change under it)
    plain = load_settings(_settings(tmp_path, None))
    assert _ids(plain, reports, tmp_path / "old", "https://example.com/")[0] == "tag:example.com,2024:capweekly-feed"


def sample_build_day(reports):
    return next(reports.iterdir()).name


def test_a_bad_feed_id_is_refused_and_init_writes_a_good_one(tmp_path):
    with pytest.raises(SettingsError, match="site.feed_id.*urn:uuid"):
        load_settings(_settings(tmp_path, "tag:127.0.0.1,2024:capweekly-feed"))
    letters = [tmp_path / "a", tmp_path / "b"]
    for letter in letters:
        assert CliRunner().invoke(main, ["init", str(letter)]).exit_code == 0
    ids = [load_settings(letter / "settings.yaml").site.feed_id for letter in letters]
    assert all(i.startswith("urn:uuid:") for i in ids) and ids[0] != ids[1]  # one per newsletter, made once


def test_a_local_publish_without_feed_id_warns(reports, tmp_path):
    path = _settings(tmp_path, None)
    raw = yaml.safe_load(path.read_text())
    raw["output"]["dir"] = str(reports)
    raw["site"]["dir"] = str(tmp_path / "site")
    path.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(main, ["publish", "--settings", str(path), "--base-url", "http://127.0.0.1:8000/",
                                       "--allow-sample-data"])
    assert result.exit_code == 0, result.output
    assert "warning: site.feed_id is unset, so the feed's ids come from the host 127.0.0.1" in result.output
    raw["site"]["feed_id"] = uuid.uuid4().urn
    path.write_text(yaml.safe_dump(raw))
    again = CliRunner().invoke(main, ["publish", "--settings", str(path), "--base-url", "http://127.0.0.1:8000/",
                                      "--allow-sample-data"])
    assert again.exit_code == 0 and "feed_id" not in again.output
