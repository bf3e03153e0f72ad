"""The pure parts of webhook safety: redaction, whitelists, internal addresses, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accord.broker.config import BrokerConfig
from accord.broker.services.redaction import redact_headers, redact_url
from accord.broker.services.webhook_policy import (
    DEFAULT_POLICY,
    WebhookPolicy,
    address_problem,
    host_whitelisted,
    url_problems,
)
from accord.broker.services.webhook_worker import next_state


def test_redact_headers_masks_credential_looking_names_only():
    headers = {
        "Authorization": "Bearer abc",
        "X-Api-Key": "k",
        "Private-Token": "t",
        "Cookie": "c",
        "X-Session-Id": "s",
        "X-Client-Secret": "s",
        "X-Password": "p",
        "Content-Type": "application/json",
        "Accept": "*/*",
    }
    shown = redact_headers(headers)
    assert shown == {
        **{name: "**********" for name in headers},
        "Content-Type": "application/json",
        "Accept": "*/*",
    }
    assert headers["Authorization"] == "Bearer abc"  # the input is not changed
    assert redact_headers(None) == {}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa55@ci.example/build?x=1", "https://user:**********@ci.example/build?x=1"),
        ("https://ci.example/b?token=abc&branch=main", "https://ci.example/b?token=**********&branch=main"),
        ("https://user@ci.example/", "https://user@ci.example/"),
        ("https://ci.example/${pactbroker.pactUrl}", "https://ci.example/${pactbroker.pactUrl}"),
        ("http://u:secret@[::1/", "http://u:**********@[::1/"),  # unparseable: still no password
    ],
)
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_defaults_are_the_official_ones():
    config = BrokerConfig()
    assert config.webhook_scheme_whitelist == ("https",)
    assert config.webhook_method_whitelist == ("POST",)
    assert config.webhook_host_whitelist == ()
    assert config.webhook_http_code_success == (200, 201, 202, 203, 204, 205, 206)
    assert config.webhook_retry_schedule == (10, 60, 120, 300, 600, 1200)


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("ACCORD_BROKER_WEBHOOK_SCHEME_WHITELIST", "https http")
    monkeypatch.setenv("ACCORD_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST", "POST,PUT")
    monkeypatch.setenv("ACCORD_BROKER_WEBHOOK_HOST_WHITELIST", "ci.example 10.0.0.0/8 /.*\\.corp$/")
    monkeypatch.setenv("ACCORD_BROKER_WEBHOOK_HTTP_CODE_SUCCESS", "200 202")
    monkeypatch.setenv("ACCORD_BROKER_WEBHOOK_RETRY_SCHEDULE", "1 2.5")
    policy = BrokerConfig.from_env().webhook_policy()
    assert policy == WebhookPolicy(
        schemes=("https", "http"),
        methods=("POST", "PUT"),
        hosts=("ci.example", "10.0.0.0/8", "/.*\\.corp$/"),
        success_codes=(200, 202),
    )
    assert BrokerConfig.from_env().webhook_retry_schedule == (1, 2.5)
    monkeypatch.setenv("ACCORD_BROKER_WEBHOOK_RETRY_SCHEDULE", "soon")
    with pytest.raises(ValueError, match="ACCORD_BROKER_WEBHOOK_RETRY_SCHEDULE: 'soon'"):
        BrokerConfig.from_env()


@pytest.mark.parametrize(
    ("host", "entry", "matches"),
    [
        ("ci.example", "ci.example", True),
        ("CI.example", "ci.example", True),
        ("other.example", "ci.example", False),
        ("a.foo.com", "*.foo.com", True),
        ("a.b.foo.com", "*.foo.com", False),  # certificate rules: one label
        ("a.b.foo.com", r"/.*\.foo\.com$/", True),
        ("10.1.2.3", "10.0.0.0/8", True),
        ("11.1.2.3", "10.0.0.0/8", False),
        ("10.1.2.3", "10.1.2.3", True),
        ("::1", "::1", True),
        ("::1", "127.0.0.1", False),
        ("10.1.2.3", "ci.example", False),
    ],
)
def test_host_whitelist_matching(host, entry, matches):
    assert host_whitelisted(host, (entry,)) is matches


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("100.64.0.1", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 wrapping 169.254.169.254
    ],
)
def test_internal_addresses_are_refused(address, kind):
    problem = address_problem(address, DEFAULT_POLICY)
    assert problem is not None and kind in problem and "whitelist" in problem


def test_public_addresses_pass_and_whitelisted_internal_ones_too():
    assert address_problem("93.184.216.34", DEFAULT_POLICY) is None
    assert address_problem("2606:2800:220:1:248:1893:25c8:1946", DEFAULT_POLICY) is None
    assert address_problem("127.0.0.1", WebhookPolicy(hosts=("127.0.0.1",))) is None
    assert address_problem("10.9.8.7", WebhookPolicy(hosts=("10.0.0.0/8",))) is None
    # a host-name entry (or "any host") does not open internal addresses
    assert address_problem("127.0.0.1", WebhookPolicy(hosts=("/.*/", "localhost"))) is not None


def test_url_problems_at_creation():
    assert url_problems("https://ci.example/build/${pactbroker.consumerName}", DEFAULT_POLICY) == []
    assert "not a valid URL" in url_problems("http://[::1/", DEFAULT_POLICY)[0]
    assert "scheme must be https" in url_problems("http://ci.example/", DEFAULT_POLICY)[0]
    assert "absolute URL" in url_problems("ci.example/build", DEFAULT_POLICY)[0]
    assert "template parameter in the host" in " ".join(
        url_problems("https://${pactbroker.consumerName}.example/", DEFAULT_POLICY)
    )
    for url in (
        "https://127.0.0.1/",
        "https://[::1]:8080/",
        "https://localhost/",
        "https://app.localhost/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/",
        "https://metadata.google.internal/",
    ):
        problems = url_problems(url, DEFAULT_POLICY)
        assert any("internal addresses" in p for p in problems), (url, problems)
    local = WebhookPolicy(hosts=("127.0.0.1", "localhost"))
    assert url_problems("https://127.0.0.1:8080/", local) == []
    # localhost stands for ::1 too: every address it may resolve to must be whitelisted
    assert "::1 is a loopback address" in url_problems("https://localhost/", local)[0]
    assert url_problems("https://localhost/", WebhookPolicy(hosts=(*local.hosts, "::1"))) == []
    whitelisted = WebhookPolicy(hosts=("*.corp.example",))
    assert url_problems("https://ci.corp.example/", whitelisted) == []
    outside = url_problems("https://ci.example/", whitelisted)
    assert "must be in the webhook host whitelist" in outside[0]


def test_retry_schedule_is_one_attempt_plus_one_per_delay():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    schedule = (10.0, 60.0)
    assert next_state(1, True, schedule, at) == ("success", None)
    assert next_state(1, False, schedule, at) == ("retrying", at + timedelta(seconds=10))
    assert next_state(2, False, schedule, at) == ("retrying", at + timedelta(seconds=60))
    assert next_state(3, False, schedule, at) == ("failure", None)
    assert next_state(1, False, (), at) == ("failure", None)
