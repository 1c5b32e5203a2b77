"""One canonical key per article, whatever form of its URL a page, feed or sitemap gives."""
from __future__ import annotations

import pytest

from spiders.urls import canonical_url

SPUTNIK = "https://sputnikglobe.com/20261120/russia-and-china-sign-deal-1120000000.html"
SOUTHFRONT = "https://southfront.press/syrian-army-advances-in-idlib"
GLOBALRESEARCH = "https://www.globalresearch.ca/the-war-on-syria/5800000"
MONDIALISATION = "https://www.mondialisation.ca/la-guerre-en-syrie/5690000"
ALWAGHT = "https://alwaght.net/en/News/412345/Iran-says-talks-continue"
MENAFN = "https://menafn.com/1109300000/Jordan-hosts-regional-summit"


@pytest.mark.parametrize("variant, canonical", [
    # tracking parameters, alone or beside real ones
    (SPUTNIK + "?utm_source=twitter&utm_medium=social&utm_campaign=x", SPUTNIK),
    (SPUTNIK + "?fbclid=IwAR0abc", SPUTNIK),
    (SPUTNIK + "?gclid=abc123", SPUTNIK),
    # an article is its path: every query of an article link goes (tracking, cache busting)
    (MENAFN + "?utm_source=rss&id=7", MENAFN),
    (MONDIALISATION + "?doing_wp_cron=1743001027.0571639537811279296875", MONDIALISATION),
    # fragments
    (SPUTNIK + "#comments", SPUTNIK),
    (SOUTHFRONT + "/#respond", SOUTHFRONT),
    # AMP variants
    ("https://sputnikglobe.com/amp/20261120/russia-and-china-sign-deal-1120000000.html", SPUTNIK),
    ("https://sputnikglobe.com/20261120/russia-and-china-sign-deal-1120000000.amp.html", SPUTNIK),
    (SOUTHFRONT + "/amp/", SOUTHFRONT),
    (SOUTHFRONT + "/amp", SOUTHFRONT),
    (GLOBALRESEARCH + "?amp", GLOBALRESEARCH),
    (GLOBALRESEARCH + "?amp=1", GLOBALRESEARCH),
    # mobile hosts
    ("https://m.sputnikglobe.com/20261120/russia-and-china-sign-deal-1120000000.html", SPUTNIK),
    ("https://mobile.menafn.com/1109300000/Jordan-hosts-regional-summit", MENAFN),
    # http and https, host case, default port
    ("http://sputnikglobe.com/20261120/russia-and-china-sign-deal-1120000000.html", SPUTNIK),
    ("HTTPS://SputnikGlobe.com:443/20261120/russia-and-china-sign-deal-1120000000.html", SPUTNIK),
    ("http://www.globalresearch.ca:80/the-war-on-syria/5800000", GLOBALRESEARCH),
    # trailing slashes
    (SOUTHFRONT + "/", SOUTHFRONT),
    (GLOBALRESEARCH + "/", GLOBALRESEARCH),
    # the outlets' former and alternate hosts
    ("https://sputniknews.com/20261120/russia-and-china-sign-deal-1120000000.html", SPUTNIK),
    ("http://www.sputniknews.com/20261120/russia-and-china-sign-deal-1120000000.html", SPUTNIK),
    ("https://southfront.org/syrian-army-advances-in-idlib/", SOUTHFRONT),
    ("http://www.southfront.org/syrian-army-advances-in-idlib", SOUTHFRONT),
    ("https://globalresearch.ca/the-war-on-syria/5800000", GLOBALRESEARCH),
    ("https://mondialisation.ca/la-guerre-en-syrie/5690000", MONDIALISATION),
    ("https://www.alwaght.net/en/News/412345/Iran-says-talks-continue", ALWAGHT),
    ("https://www.menafn.com/1109300000/Jordan-hosts-regional-summit", MENAFN),
    # everything at once
    ("http://m.sputniknews.com/amp/20261120/russia-and-china-sign-deal-1120000000.html/?utm_source=x#top", SPUTNIK),
])
def test_variants_share_one_canonical_url(variant, canonical):
    assert canonical_url(variant) == canonical


@pytest.mark.parametrize("url", [SPUTNIK, SOUTHFRONT, GLOBALRESEARCH, MONDIALISATION, ALWAGHT, MENAFN,
                                 "https://www.globalresearch.ca/theme/us-nato-war-agenda?page=2"])
def test_canonical_url_is_a_fixed_point(url):
    assert canonical_url(url) == url
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_query_parameters_of_pages_that_are_no_articles_are_kept_in_a_stable_order():
    listing = "https://www.globalresearch.ca/theme/us-nato-war-agenda"
    assert canonical_url(listing + "?page=2&id=1") == canonical_url(listing + "?id=1&page=2") == listing + "?id=1&page=2"
    assert canonical_url(listing + "?id=1") != canonical_url(listing + "?id=2")
    assert canonical_url("https://southfront.press/?p=123") == "https://southfront.press/?p=123"


def test_different_articles_stay_different():
    assert canonical_url(SOUTHFRONT) != canonical_url(SOUTHFRONT + "-2")
    assert canonical_url("https://southfront.press/amplified-strikes") == "https://southfront.press/amplified-strikes"
    assert canonical_url("https://sputnikglobe.com/20261120/amp-1120000001.html") == \
        "https://sputnikglobe.com/20261120/amp-1120000001.html"


def test_an_overridden_base_url_is_an_alias_of_the_live_host(monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_BASE_URL_SPUTNIK", "http://127.0.0.1:8123")
    assert canonical_url("http://127.0.0.1:8123/20261120/russia-and-china-sign-deal-1120000000.html") == SPUTNIK


@pytest.mark.parametrize("old, current", [
    # Sputnik before the 2021 CMS change (live-evidence.md, evidence item 7): real URLs of the evidence
    ("https://sputniknews.com/columnists/201911181077343476-royal-self-indicting-arrogance/",
     "https://sputnikglobe.com/20191118/royal-self-indicting-arrogance-1077343476.html"),
    ("https://sputniknews.com/news/20160512/1039528652/911-saudi-obama-terror-fbi.html",
     "https://sputnikglobe.com/20160512/911-saudi-obama-terror-fbi-1039528652.html"),
    ("https://sputniknews.com/amp/radio_the_critical_hour/202004281079127690-some-us-states-begin-lifting-lockdowns/",
     "https://sputnikglobe.com/20200428/some-us-states-begin-lifting-lockdowns-1079127690.html"),
    ("https://sputniknews.com/news/201905141074980145-US-Law-Makers-Pass-Bill/",
     "https://sputnikglobe.com/20190514/us-law-makers-pass-bill-1074980145.html"),
    # MENAFN's legacy story page (evidence item 9, id 35371347887), parameters in either order
    ("https://menafn.com/qn_news_story_s.aspx?storyid=1095168700&title=Abdali-Mall-and-EAT-Restaurants-Group",
     "https://menafn.com/1095168700/Abdali-Mall-and-EAT-Restaurants-Group"),
    ("http://www.menafn.com/qn_news_story_s.aspx?title=Abdali-Mall-and-EAT-Restaurants-Group&storyID=1095168700",
     "https://menafn.com/1095168700/Abdali-Mall-and-EAT-Restaurants-Group"),
    # Alwaght's lower-case news path (alwaght.com, 2021)
    ("http://alwaght.com/en/news/196175/Whats-Really-Behind-EUs-Syria-Aid-Conference?",
     "https://alwaght.net/en/News/196175/Whats-Really-Behind-EUs-Syria-Aid-Conference"),
])
def test_old_url_forms_share_the_current_forms_key(old, current):
    """Evidence items 7 and 9: one article, one key, whichever form of its URL is met."""
    assert canonical_url(old) == canonical_url(current) == current


def test_hosts_of_no_outlet_are_normalised_but_kept():
    assert canonical_url("HTTP://Example.org/a/?utm_source=x#frag") == "https://example.org/a"
    assert canonical_url("https://m.example.org/a") == "https://m.example.org/a"  # not known as a mobile host
