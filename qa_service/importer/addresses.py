"""Which network addresses the importer may connect to: public ones only, unless allowed.

A feed, a sitemap or a redirect chooses the addresses the importer fetches, and what it
fetches is written into the corpus, which is public after `reindex`. Without a check, a
feed linking ``http://127.0.0.1:6379/`` or a page redirecting to ``http://[::1]/admin``
would publish an internal service's answer (issue 21, row 2). So every address is checked
twice:

- before a request, each address the host name resolves to (``check_host``), so that the
  refusal names the host and robots.txt is not even asked;
- when a connection opens, the address the socket actually reached (``GuardedAdapter``),
  so that a name resolving to a public address first and a private one next (DNS
  rebinding) is caught too. Through an HTTP proxy the socket reaches the proxy the
  operator chose; then the first check is the one that holds.

Refused: loopback, private (RFC 1918, ULA), link-local, multicast, unspecified, reserved
and shared (CGNAT) ranges, also when wrapped in an IPv4-mapped, 6to4, Teredo or NAT64
IPv6 address. ``QA_IMPORT_ALLOW_PRIVATE=true`` turns the check off (an intranet corpus,
the tests' local site).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressRule = Callable[[IPAddress], bool]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class PrivateAddress(Exception):
    """A connection the rule refuses; ``str()`` names the host and the kind of address.

    Not an ``OSError``: urllib3 would wrap one as a connection failure and retry it."""


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public internet (the default rule)."""
    for inner in _embedded(ip):
        if not is_public(inner):
            return False
    return ip.is_global and not ip.is_multicast


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """IPv4 addresses an IPv6 address carries, which is where a packet may end up."""
    if ip.version != 6:
        return []
    found: list[IPAddress] = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.append(ip.teredo[1])
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def kind(ip: IPAddress) -> str:
    """A word for the refusal message."""
    for inner in _embedded(ip):
        return kind(inner)
    for name in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return "non-public"


def refusal(host: str, ip: IPAddress) -> str:
    word = kind(ip)
    article = "an" if word[0] in "aeiou" else "a"
    return (
        f"refused: {host} is {article} {word} address ({ip}); "
        "QA_IMPORT_ALLOW_PRIVATE=true allows it"
    )


def parse(text: str) -> IPAddress | None:
    """An address literal (``[::1]``'s brackets, a ``%scope`` suffix allowed), else None."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%")[0])
    except ValueError:
        return None


def check_host(host: str, port: int, rule: AddressRule) -> None:
    """Raise ``PrivateAddress`` when ``host`` is, or resolves to, an address ``rule``
    refuses. A name that does not resolve passes: the connection then fails by itself."""
    literal = parse(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return
        addresses = [a for a in (parse(str(info[4][0])) for info in infos) if a is not None]
    for ip in addresses:
        if not rule(ip):
            raise PrivateAddress(refusal(host, ip))


def _check_socket(sock: socket.socket, host: str, rule: AddressRule) -> None:
    ip = parse(str(sock.getpeername()[0]))
    if ip is not None and not rule(ip):
        sock.close()
        raise PrivateAddress(refusal(host, ip))


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose direct connections check the address they reached."""

    def __init__(self, rule: AddressRule, **kwargs):
        self.rule = rule
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        rule = self.rule

        class Connection(HTTPConnection):
            def _new_conn(self) -> socket.socket:
                sock = super()._new_conn()
                _check_socket(sock, self.host, rule)
                return sock

        class SecureConnection(HTTPSConnection):
            def _new_conn(self) -> socket.socket:
                sock = super()._new_conn()
                _check_socket(sock, self.host, rule)
                return sock

        class Pool(HTTPConnectionPool):
            ConnectionCls = Connection

        class SecurePool(HTTPSConnectionPool):
            ConnectionCls = SecureConnection

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SecurePool}
