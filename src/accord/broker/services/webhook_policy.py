"""What a webhook may call: the official broker's whitelists plus a refusal of internal addresses.

Pure functions. The official settings keep their meaning: ``schemes`` (default ``https``),
``methods`` (default ``POST``), ``hosts`` (empty = any host; entries are host names,
``*.domain`` wildcards, IPs, CIDR ranges or ``/regular expressions/``) and ``success_codes``.
On top of them, loopback, link-local, private, unspecified, multicast, reserved and cloud
metadata addresses are refused unless an IP or CIDR entry of ``hosts`` contains the address:
an attacker who may create webhooks must not reach the broker's own network. The check
runs on URLs when a webhook is saved and on every resolved address when it is sent.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from accord.model.valueclass import dataclass

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_RETRY_SCHEDULE",
    "Target",
    "WebhookPolicy",
    "address_problem",
    "host_whitelisted",
    "parse_codes",
    "parse_list",
    "parse_numbers",
    "parse_seconds",
    "split_target",
    "url_problems",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: the official broker's default retry schedule, in seconds (7 attempts over 38 minutes)
DEFAULT_RETRY_SCHEDULE: tuple[float, ...] = (10, 60, 120, 300, 600, 1200)


@dataclass(frozen=True)
class WebhookPolicy:
    schemes: tuple[str, ...] = ("https",)
    methods: tuple[str, ...] = ("POST",)
    hosts: tuple[str, ...] = ()
    success_codes: tuple[int, ...] = (200, 201, 202, 203, 204, 205, 206)
    #: seconds for connecting and for each read
    timeout: float = 10.0

    @property
    def show_response(self) -> bool:
        """As in the official broker, response bodies are shown only with a host whitelist."""
        return bool(self.hosts)


DEFAULT_POLICY = WebhookPolicy()

_METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack …
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, internal by intent
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: names that always mean the machine itself or its cloud metadata service
_LOCAL_NAMES = {
    "localhost": ("127.0.0.1", "::1"),
    "metadata.google.internal": ("169.254.169.254",),
}


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent on the request line
    username: str | None
    password: str | None


def split_target(url: str) -> Target:
    """The parts of an absolute http(s) URL; ``ValueError`` with a readable reason otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if not scheme or not parts.netloc:
        raise ValueError("must be an absolute URL e.g. https://example.org")
    host = parts.hostname or ""
    if not host:
        raise ValueError("must have a host name")
    if any(c.isspace() for c in url):
        raise ValueError("must not contain spaces")
    default = 443 if scheme == "https" else 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or default, path, parts.username, parts.password)


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return None


def _contains(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None, address: IPAddress
) -> bool:
    return network is not None and network.version == address.version and address in network


def _wildcard_match(host: str, pattern: str) -> bool:
    """``*.foo.com`` matches ``a.foo.com`` but not ``a.b.foo.com`` (certificate rules)."""
    host_labels = host.lower().split(".")
    pattern_labels = pattern.lower().split(".")
    return len(host_labels) == len(pattern_labels) and all(
        p == "*" or p == h for p, h in zip(pattern_labels, host_labels, strict=True)
    )


def host_whitelisted(host: str, whitelist: tuple[str, ...]) -> bool:
    """The official matching: IP hosts against IP/CIDR entries, names against names,
    ``*.domain`` wildcards and ``/regex/`` entries."""
    address = _ip(host)
    for entry in whitelist:
        if address is not None:
            if _contains(_network(entry), address):
                return True
            continue
        if len(entry) > 1 and entry.startswith("/") and entry.endswith("/"):
            if re.search(entry[1:-1], host):
                return True
        elif entry.startswith("*"):
            if _wildcard_match(host, entry):
                return True
        elif host.lower() == entry.lower():
            return True
    return False


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _internal_kind(address: IPAddress) -> str | None:
    inner = _embedded_ipv4(address)
    for candidate in dict.fromkeys((inner, address)):  # the wrapped IPv4 says most
        if candidate in _METADATA:
            return "a cloud metadata address"
        if candidate.is_unspecified:
            return "an unspecified address"
        if candidate.is_loopback:
            return "a loopback address"
        if candidate.is_link_local:
            return "a link-local address"
        if candidate.is_multicast:
            return "a multicast address"
        if candidate.is_private or candidate.is_reserved or candidate in _SHARED:
            return "a private or reserved address"
    return None


def address_problem(address: str, policy: WebhookPolicy) -> str | None:
    """Why ``address`` may not be called, or None. Internal addresses pass only when an
    IP or CIDR entry of the host whitelist contains them."""
    parsed = _ip(address)
    if parsed is None:
        return f"{address} is not an IP address"
    kind = _internal_kind(parsed)
    if kind is None:
        return None
    if any(_contains(_network(entry), parsed) for entry in policy.hosts):
        return None
    return (
        f"{parsed} is {kind}; webhooks may not call internal addresses unless the address "
        "or its network is in the webhook host whitelist"
    )


def url_problems(url: str, policy: WebhookPolicy) -> list[str]:
    """Everything wrong with a webhook URL when it is saved (no DNS look-up here: host
    names are checked again, on their resolved addresses, when the webhook is sent)."""
    try:
        target = split_target(url)
    except ValueError as exc:
        return [str(exc)]
    problems = []
    if target.scheme not in policy.schemes:
        problems.append(
            f"scheme must be {', '.join(policy.schemes)} (see the webhook_scheme_whitelist setting)"
        )
    if "$" in target.host or "{" in target.host:
        problems.append("cannot have a template parameter in the host")
        return problems
    if policy.hosts and not host_whitelisted(target.host, policy.hosts):
        problems.append(
            f"host {target.host} must be in the webhook host whitelist {', '.join(policy.hosts)}"
        )
    host = target.host.lower().rstrip(".")
    if host.endswith(".localhost"):
        host = "localhost"
    addresses = (target.host,) if _ip(target.host) else _LOCAL_NAMES.get(host, ())
    for address in addresses:
        problem = address_problem(address, policy)
        if problem:
            problems.append(problem)
            break
    return problems


def parse_list(raw: str, name: str = "") -> tuple[str, ...]:
    """A whitelist from a setting: entries separated by spaces or commas."""
    return tuple(item for item in re.split(r"[\s,]+", raw.strip()) if item)


def parse_numbers(raw: str, name: str) -> tuple[float, ...]:
    numbers = []
    for item in parse_list(raw):
        try:
            value = float(item)
        except ValueError:
            raise ValueError(f"{name}: {item!r} is not a number of seconds") from None
        if value < 0:
            raise ValueError(f"{name}: {item!r} must not be negative")
        numbers.append(value)
    return tuple(numbers)


def parse_codes(raw: str, name: str) -> tuple[int, ...]:
    codes = []
    for item in parse_list(raw):
        if not item.isdigit() or not 100 <= int(item) <= 599:
            raise ValueError(f"{name}: {item!r} is not an HTTP status code")
        codes.append(int(item))
    return tuple(codes)


def parse_seconds(raw: str, name: str) -> float:
    numbers = parse_numbers(raw, name)
    if len(numbers) != 1 or numbers[0] <= 0:
        raise ValueError(f"{name}: {raw!r} must be one positive number of seconds")
    return numbers[0]
