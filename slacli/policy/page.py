"""The status page's settings: the optional ``[statuspage]`` table of a policy file."""

from __future__ import annotations

from zoneinfo import ZoneInfo

DEFAULT_TITLE = "Status"


class PageSettings:
    """The page's title, its time zone (None: each policy's own) and the services it shows,
    in order, as (key, display name); none listed: every service its incidents name."""

    __slots__ = ("services", "title", "zone")

    def __init__(
        self, title: str = DEFAULT_TITLE, zone: ZoneInfo | None = None, services: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.title, self.zone, self.services = title, zone, services

    def name_of(self, service: str) -> str:
        """What the page calls ``service``: its display name, else its key."""
        return dict(self.services).get(service, service)
