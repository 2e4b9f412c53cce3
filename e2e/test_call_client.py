"""The call client's own rules, run in the browser against the modules the server serves: who
makes room on the page when someone who is not shown starts speaking."""
import pytest

from test_web import browsers, chromium_available, demo_env  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs chromium and chromium-driver")

SWAP = """
const [feeds, talker, page, done] = arguments;
import('/js/media.js').then((m) => done(m.speakerSwap(feeds, talker, page)), (e) => done('error: ' + e));
"""

CASES = [
    # Room on the page: nobody makes room.
    ([{"id": 1, "subscribed": True, "lastTalk": 5}, {"id": 9, "subscribed": False}], 9, 2, None),
    # A full page: the feed that spoke longest ago goes; one that never spoke goes first.
    ([{"id": 1, "subscribed": True, "lastTalk": 50}, {"id": 2, "subscribed": True, "lastTalk": 10},
      {"id": 9, "subscribed": False}], 9, 2, 2),
    ([{"id": 1, "subscribed": True, "lastTalk": 50}, {"id": 2, "subscribed": True},
      {"id": 3, "subscribed": True, "lastTalk": 1}, {"id": 9, "subscribed": False}], 9, 3, 2),
    # Feeds not on the page never make room.
    ([{"id": 1, "subscribed": True, "lastTalk": 50}, {"id": 4, "subscribed": False, "lastTalk": 0},
      {"id": 9, "subscribed": False}], 9, 1, 1),
]


def test_the_active_speaker_replaces_the_longest_silent(workdir, servers, browsers):
    server = servers(workdir, ["--demo"], env=demo_env()).wait_ready()
    browser = browsers(server.url, name="client")
    browser.open("/")
    for feeds, talker, page, expected in CASES:
        assert browser.driver.execute_async_script(SWAP, feeds, talker, page) == expected, (feeds, talker, page)
