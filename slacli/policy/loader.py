"""Loading and validating ``policies.toml`` into the policy model.

The file has two kinds of tables, ``[calendars.NAME]`` and ``[policies.NAME]``; the
README documents every key. Errors name the file, the key path and what is wrong.
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from slacli.calendars import WEEKDAYS, Calendar, WeeklyHours, always_open
from slacli.errors import InputError, PolicyError
from slacli.holidaydata import HolidayCache
from slacli.instants import parse_duration, zone
from slacli.policy.model import (
    PARTIAL_WEIGHT,
    AvailabilityTarget,
    EscalationLevel,
    Hint,
    MaintenanceRules,
    Policy,
    PolicySet,
    Severity,
    Target,
    folded,
)
from slacli.rules import Rule, parse_rule
from slacli.texts import field_key
from slacli.vocabulary import Anchor, MaintenanceKind, MetBy

if TYPE_CHECKING:
    from slacli.policy.page import PageSettings

ALWAYS_OPEN = "24x7"
_Item = TypeVar("_Item")


def load_policies(path: Path, cache: HolidayCache | None = None) -> PolicySet:
    """Read and validate a policy file. Raises PolicyError naming file and key.

    The cache keeps a file's parsed document only once the whole file validated, so when it
    has these exact bytes, only the tables a command asks for are built (a ``deadline``
    builds one policy of five); any other file is validated whole, whatever is asked."""
    try:
        raw = _read_regular(path)
    except OSError as error:
        raise PolicyError(f"cannot read policy file: {error.strerror or error}", file=str(path)) from None
    document = cache.document(raw) if cache else None
    checked = document is not None
    if document is None:
        document = _parse(raw, path)
    policy_set = _Loader(path, cache or HolidayCache(None)).load(document, checked=checked)
    if cache and not checked:
        cache.keep_document(raw, document)
    return policy_set


def _parse(raw: bytes, path: Path) -> dict[str, Any]:
    import tomllib  # lazily: the cache usually has the document

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PolicyError(f"malformed TOML: {error}", file=str(path)) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise PolicyError("malformed TOML: nested too deeply", file=str(path)) from None


def _read_regular(path: Path) -> bytes:
    """The bytes of the file at ``path``; what is not a regular file (a FIFO, /dev/zero, a
    directory) is refused before it is read, so it cannot block or run forever."""
    nonblocking = int(getattr(os, "O_NONBLOCK", 0))  # POSIX: opening a FIFO would wait for a writer
    handle = os.open(path, os.O_RDONLY | nonblocking | int(getattr(os, "O_CLOEXEC", 0)))
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise PolicyError("not a regular file", file=str(path))
        if nonblocking:
            os.set_blocking(handle, True)
        with os.fdopen(handle, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(handle)


def page_settings(policies: PolicySet) -> PageSettings:
    """The ``[statuspage]`` settings of a loaded policy file (defaults when it has none)."""
    return _Loader(policies.path, HolidayCache(None)).page(policies.document.get("statuspage"))


def policies_from_document(document: dict[str, Any], path: Path, cache: HolidayCache | None = None) -> PolicySet:
    """Validate an already parsed policy file (or a stored snapshot of one policy)."""
    return _Loader(path, cache or HolidayCache(None)).load(document)


class _Built(Mapping[str, _Item]):
    """The tables of one kind (``[calendars.*]``, ``[policies.*]``), each built by ``build``
    when first looked up; its keys are the document's."""

    def __init__(self, tables: dict[str, Any], build: Callable[[str, Any], _Item]) -> None:
        self._tables = tables
        self._build = build
        self._built: dict[str, _Item] = {}

    def __getitem__(self, name: str) -> _Item:
        found = self._built.get(name)
        if found is None:
            found = self._built[name] = self._build(name, self._tables[name])
        return found

    def __contains__(self, name: object) -> bool:  # without building: Mapping's would
        return name in self._tables

    def get(self, name: str, default: Any = None) -> Any:
        # Mapping's get would read a KeyError raised while building as a missing name.
        return self[name] if name in self._tables else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def build_all(self) -> None:
        for name in self._tables:
            self[name]


class _Loader:
    def __init__(self, path: Path, cache: HolidayCache) -> None:
        self.path = path
        self.file = str(path)
        self.cache = cache

    def error(self, key: str, message: str) -> PolicyError:
        return PolicyError(message, file=self.file, key=key)

    def table(self, value: Any, key: str, allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {_kind(value)}")
        if allowed is not None:
            for name in value:
                if name not in allowed:
                    raise self.error(f"{key}.{name}", f"unknown key (allowed: {', '.join(allowed)})")
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {_kind(value)}")
        return value

    def load(self, document: dict[str, Any], *, checked: bool = False) -> PolicySet:
        """The policy set of ``document``; every table is built now unless the document is
        ``checked`` (it validated whole before), else each when first asked for."""
        self.table(document, "", ("calendars", "policies", "statuspage"))
        raw_calendars = self.table(document.get("calendars", {}), "calendars")
        calendars = _Built(raw_calendars, self.calendar)
        raw_policies = self.table(document.get("policies", {}), "policies")
        if not raw_policies:
            raise self.error("policies", "no policies defined")
        policies = _Built(raw_policies, lambda name, value: self.policy(name, value, calendars))
        if not checked:  # an error anywhere in the file is reported, whatever the command asks for
            calendars.build_all()
            policies.build_all()
            self.page(document.get("statuspage"))
        return PolicySet(self.path, calendars, policies, document)

    # the status page

    def page(self, value: Any) -> PageSettings:
        from slacli.policy.page import DEFAULT_TITLE, PageSettings  # not on the cached start-up path

        if value is None:
            return PageSettings()
        raw = self.table(value, "statuspage", ("title", "timezone", "services"))
        title = self.string(raw.get("title", DEFAULT_TITLE), "statuspage.title")
        if not title.strip():
            raise self.error("statuspage.title", "empty")
        page_zone = None
        if "timezone" in raw:
            try:
                page_zone = zone(self.string(raw["timezone"], "statuspage.timezone"))
            except InputError as error:
                raise self.error("statuspage.timezone", str(error)) from None
        listed = raw.get("services", [])
        if not isinstance(listed, list):
            raise self.error("statuspage.services", f"expected an array of tables, got {_kind(listed)}")
        services: dict[str, str] = {}
        for i, entry in enumerate(listed):
            key = f"statuspage.services[{i}]"
            table = self.table(entry, key, ("key", "name"))
            if "key" not in table:
                raise self.error(f"{key}.key", "missing (the service as incidents name it: --service)")
            service = self.string(table["key"], f"{key}.key")
            if service in services:
                raise self.error(f"{key}.key", f"{service!r} is listed twice")
            services[service] = self.string(table.get("name", service), f"{key}.name")
        return PageSettings(title, page_zone, tuple(services.items()))

    # calendars

    def calendar(self, name: str, value: Any) -> Calendar:
        key = f"calendars.{name}"
        if name == ALWAYS_OPEN:
            raise self.error(key, f"{ALWAYS_OPEN!r} is built in and cannot be redefined")
        raw = self.table(value, key, ("timezone", "hours", "holidays"))
        if "timezone" not in raw:
            raise self.error(f"{key}.timezone", "missing (an IANA name such as America/New_York)")
        try:
            tz = zone(self.string(raw["timezone"], f"{key}.timezone"))
        except InputError as error:
            raise self.error(f"{key}.timezone", str(error)) from None
        hours = self.hours(raw.get("hours"), f"{key}.hours")
        holidays = self.table(
            raw.get("holidays", {}), f"{key}.holidays", ("country", "subdiv", "categories", "extra", "removed")
        )
        options: dict[str, Any] = {}
        label = ""
        if "country" not in holidays and ("subdiv" in holidays or "categories" in holidays):
            raise self.error(f"{key}.holidays", "subdiv and categories need a country")
        if "country" in holidays:
            country = self.string(holidays["country"], f"{key}.holidays.country").upper()
            subdiv = holidays.get("subdiv")
            categories = holidays.get("categories", [])
            if subdiv is not None:
                subdiv = self.string(subdiv, f"{key}.holidays.subdiv")
            if not isinstance(categories, list) or not all(isinstance(c, str) and c for c in categories):
                raise self.error(f"{key}.holidays.categories", "expected a list of category names")
            options["holidays"] = self.cache.source(
                country, subdiv, tuple(categories), where=(self.file, f"{key}.holidays")
            )
            label = country + (f"-{subdiv}" if subdiv else "") + (f" ({', '.join(categories)})" if categories else "")
        options["extra"] = self.dates(holidays.get("extra", []), f"{key}.holidays.extra")
        options["removed"] = frozenset(self.dates(holidays.get("removed", []), f"{key}.holidays.removed"))
        return Calendar(name, tz, hours, holiday_label=label, **options)

    def hours(self, value: Any, key: str) -> WeeklyHours:
        if value is None:
            raise self.error(key, 'missing (for example hours = { mon-fri = "09:00-17:00" })')
        raw = self.table(value, key)
        days: list[tuple[tuple[int, int], ...] | None] = [None] * 7
        for days_key, spec in raw.items():
            for weekday in self.weekdays(days_key, f"{key}.{days_key}"):
                if days[weekday] is not None:
                    raise self.error(f"{key}.{days_key}", f"{WEEKDAYS[weekday]} is given twice")
                days[weekday] = self.intervals(spec, f"{key}.{days_key}")
        try:
            return WeeklyHours(tuple(d or () for d in days))
        except ValueError as error:
            raise self.error(key, str(error)) from None

    def weekdays(self, text: str, key: str) -> list[int]:
        lowered = text.lower()
        if lowered in WEEKDAYS:
            return [WEEKDAYS.index(lowered)]
        first, _, last = lowered.partition("-")
        if first in WEEKDAYS and last in WEEKDAYS and WEEKDAYS.index(first) <= WEEKDAYS.index(last):
            return list(range(WEEKDAYS.index(first), WEEKDAYS.index(last) + 1))
        raise self.error(key, "expected a weekday (mon..sun) or a range such as mon-fri")

    def intervals(self, spec: Any, key: str) -> tuple[tuple[int, int], ...]:
        items = spec if isinstance(spec, list) else [spec]
        parts = [p.strip() for item in items for p in self.string(item, key).split(",")]
        if parts == ["closed"]:
            return ()
        result = []
        for part in parts:
            opening, sep, closing = part.partition("-")
            if not sep:
                raise self.error(key, f"expected HH:MM-HH:MM or 'closed', got {part!r}")
            start, end = self.minute(opening, key), self.minute(closing, key)
            if end <= start:
                raise self.error(key, f"close before open in {part!r}")
            result.append((start, end))
        result.sort()
        for (_, close), (next_opening, _) in itertools.pairwise(result):
            if next_opening < close:
                raise self.error(key, "intervals overlap")
        return tuple(result)

    def minute(self, text: str, key: str) -> int:
        hh, sep, mm = text.strip().partition(":")
        if sep and hh.isdigit() and mm.isdigit() and len(mm) == 2:
            hour, minute = int(hh), int(mm)
            if (hour < 24 and minute < 60) or (hour, minute) == (24, 0):
                return hour * 60 + minute
        raise self.error(key, f"expected a time of day HH:MM (00:00 to 24:00), got {text.strip()!r}")

    def dates(self, value: Any, key: str) -> dict[date, str]:
        if isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, list):
            items = [(v, "closed") for v in value]
        else:
            raise self.error(key, f"expected a list of dates or a table date = name, got {_kind(value)}")
        result = {}
        for day, name in items:
            if isinstance(day, datetime) or not isinstance(day, date | str):
                raise self.error(key, f"expected a date YYYY-MM-DD, got {day!r}")
            try:
                parsed = day if isinstance(day, date) else date.fromisoformat(day)
            except ValueError:
                raise self.error(key, f"expected a date YYYY-MM-DD, got {day!r}") from None
            result[parsed] = self.string(name, f"{key}.{day}")
        return result

    # policies

    def policy(self, name: str, value: Any, calendars: Mapping[str, Calendar]) -> Policy:
        key = f"policies.{name}"
        raw = self.table(
            value,
            key,
            (
                "description",
                "calendar",
                "severities",
                "availability",
                "maintenance",
                "report_within",
                "recovery_point",
                "required_fields",
                "escalation",
            ),
        )
        calendar = self.calendar_ref(raw.get("calendar"), f"{key}.calendar", calendars, None)
        severities_raw = self.table(raw.get("severities"), f"{key}.severities") if "severities" in raw else {}
        if not severities_raw:
            raise self.error(f"{key}.severities", "a policy needs at least one severity")
        severities = tuple(
            self.severity(k, v, f"{key}.severities.{k}", calendars, calendar) for k, v in severities_raw.items()
        )
        self.check_unique_names(severities, f"{key}.severities")
        return Policy(
            name=name,
            description=self.string(raw.get("description", ""), f"{key}.description"),
            calendar=calendar,
            severities=severities,
            availability=self.availability(raw.get("availability", {}), f"{key}.availability"),
            maintenance=self.maintenance(raw.get("maintenance", {}), f"{key}.maintenance"),
            report_within=self.duration(raw.get("report_within"), f"{key}.report_within"),
            recovery_point=self.duration(raw.get("recovery_point"), f"{key}.recovery_point"),
            required_fields=self.field_keys(raw.get("required_fields", []), f"{key}.required_fields"),
            escalation=self.escalation(raw.get("escalation", {}), f"{key}.escalation"),
        )

    def field_keys(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of field names, got {_kind(value)}")
        names = []
        for item in value:
            try:
                names.append(field_key(self.string(item, key)))
            except InputError as error:
                raise self.error(key, str(error)) from None
        if len(set(names)) < len(names):
            raise self.error(key, "a field is named twice")
        return tuple(names)

    def calendar_ref(
        self, value: Any, key: str, calendars: Mapping[str, Calendar], default: Calendar | None
    ) -> Calendar:
        if value is None:
            if default is None:
                raise self.error(key, "missing (the name of a [calendars.NAME] table or '24x7')")
            return default
        name = self.string(value, key)
        if name == ALWAYS_OPEN:
            return always_open(default.zone if default else None)
        if name not in calendars:
            known = ", ".join([*calendars, ALWAYS_OPEN])
            raise self.error(key, f"unknown calendar {name!r} (known: {known})")
        return calendars[name]

    def severity(
        self, name: str, value: Any, key: str, calendars: Mapping[str, Calendar], default: Calendar
    ) -> Severity:
        raw = self.table(
            value,
            key,
            (
                "name",
                "aliases",
                "calendar",
                "response",
                "resolution",
                "downtime",
                "update_every",
                "postmortem",
                "status_reports",
                "escalate",
                "billable",
                "hint",
                "resolution_met_by",
            ),
        )
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise self.error(f"{key}.aliases", "expected a list of strings")
        downtime = raw.get("downtime", 0)
        if isinstance(downtime, bool):
            downtime = 1.0 if downtime else 0.0
        if not isinstance(downtime, int | float) or not 0 <= downtime <= 1:
            raise self.error(f"{key}.downtime", "expected a weight from 0 (none) to 1 (full outage), or true/false")
        reports = raw.get("status_reports")
        if reports is not None and reports not in ("weekly", "monthly"):
            raise self.error(f"{key}.status_reports", "expected 'weekly' or 'monthly'")
        response = self.target(raw.get("response"), f"{key}.response")
        if response and response.anchor == Anchor.ACKED:
            raise self.error(f"{key}.response", "a response target cannot count from acked")
        return Severity(
            key=name,
            name=self.string(raw.get("name", name), f"{key}.name"),
            aliases=tuple(aliases),
            calendar=self.calendar_ref(raw.get("calendar"), f"{key}.calendar", calendars, default),
            response=response,
            resolution=self.target(raw.get("resolution"), f"{key}.resolution"),
            downtime=float(downtime),
            update_every=self.positive_duration(raw.get("update_every"), f"{key}.update_every"),
            postmortem=self.boolean(raw.get("postmortem", False), f"{key}.postmortem"),
            status_reports=reports,
            escalate=self.boolean(raw.get("escalate", False), f"{key}.escalate"),
            billable=self.boolean(raw.get("billable", False), f"{key}.billable"),
            hint=self.hint(raw["hint"], f"{key}.hint") if "hint" in raw else None,
            resolution_met_by=self.met_by(raw.get("resolution_met_by", [MetBy.RESOLVE]), f"{key}.resolution_met_by"),
        )

    def hint(self, value: Any, key: str) -> Hint:
        """A classification hint: { text = "...", min_pct = 30 } (see README, Policies)."""
        raw = self.table(value, key, ("text", "min_pct", "below_pct", "count"))
        if not isinstance(raw.get("text"), str) or not raw["text"].strip():
            raise self.error(f"{key}.text", "missing (the seed's words for when this severity applies)")
        bounds = [self.share(raw[name], f"{key}.{name}") if name in raw else None for name in ("min_pct", "below_pct")]
        count = self.whole(raw["count"], f"{key}.count", 0) if "count" in raw else None
        if bounds == [None, None] and count is None:
            raise self.error(key, "a hint needs min_pct, below_pct or count")
        low, high = bounds
        if high is not None and high <= (low or 0):
            floor = f"min_pct ({low:g})" if low else "0"
            raise self.error(f"{key}.below_pct", f"expected more than {floor}")
        if count == 0 and low:
            raise self.error(key, "count = 0 (none affected) and min_pct above 0 can never both hold")
        return Hint(raw["text"], low, high, count)

    def _number_in(
        self, value: Any, key: str, within: Callable[[float], bool], expected: str, *, whole: bool = False
    ) -> int | float:
        """``value`` when it is a number (an integer when ``whole``; never a boolean) that
        ``within`` accepts; else the error ``expected`` at ``key``."""
        if isinstance(value, bool) or not isinstance(value, int if whole else int | float) or not within(value):
            raise self.error(key, expected)
        return value

    def whole(self, value: Any, key: str, least: int) -> int:
        expected = f"expected a whole number of at least {least}"
        return int(self._number_in(value, key, lambda n: n >= least, expected, whole=True))

    def share(self, value: Any, key: str) -> float:
        expected = f"expected a share from 0 to 100 (percent), got {value!r}"
        return float(self._number_in(value, key, lambda v: 0 <= v <= 100, expected))

    def met_by(self, value: Any, key: str) -> tuple[MetBy, ...]:
        """The events that meet a resolution target: a resolution always does, and a
        workaround when listed ("remedy ... or issue an interim ... workaround")."""
        kinds = ", ".join(f"'{k}'" for k in MetBy)
        if not isinstance(value, list) or any(k not in list(MetBy) for k in value) or len(set(value)) < len(value):
            raise self.error(key, f"expected a list of {kinds}, each at most once")
        if MetBy.RESOLVE not in value:
            raise self.error(key, "'resolve' must be listed: a resolution always meets the target")
        return tuple(MetBy(k) for k in value)

    def escalation(self, value: Any, key: str) -> tuple[EscalationLevel, ...]:
        """The escalation matrix: levels = [{ after = "0m", who = "..." }, ...], each later one
        longer past due than the one before."""
        raw = self.table(value, key, ("levels",))
        levels = raw.get("levels", [])
        if not isinstance(levels, list):
            raise self.error(f"{key}.levels", f"expected a list of {{after, who}} tables, got {_kind(levels)}")
        found: list[EscalationLevel] = []
        for number, item in enumerate(levels, start=1):
            where = f"{key}.levels[{number - 1}]"
            level = self.table(item, where, ("after", "who"))
            if set(level) != {"after", "who"}:
                raise self.error(where, "a level needs both after (how long past due) and who")
            after = self.duration(level["after"], f"{where}.after") or timedelta()  # TOML has no null
            who = self.string(level["who"], f"{where}.who").strip()
            if not who:
                raise self.error(f"{where}.who", "expected a name or role, got an empty string")
            if found and after <= found[-1].after:
                raise self.error(f"{where}.after", "each level must come later past due than the one before")
            found.append(EscalationLevel(number, after, who))
        return tuple(found)

    def check_unique_names(self, severities: tuple[Severity, ...], key: str) -> None:
        """Every key, name and alias names one severity, as :func:`folded` matches them: an
        alias that is another severity's key ("sev 2" and "SEV2" alike) is refused."""
        seen: dict[str, str] = {}
        for severity in severities:
            for name in severity.names():
                if not (wanted := folded(name)):
                    raise self.error(f"{key}.{severity.key}", f"{name!r} is empty without spaces, hyphens, underscores")
                if seen.setdefault(wanted, severity.key) != severity.key:
                    raise self.error(key, f"{name!r} names both severity {seen[wanted]} and {severity.key}")

    def target(self, value: Any, key: str) -> Target | None:
        if value is None:
            return None
        if isinstance(value, str):
            rule = self.rule(value, key)
            return Target(rule, rule) if rule else None
        raw = self.table(value, key, ("rule", "in_hours", "out_of_hours", "anchor"))
        anchor = raw.get("anchor", Anchor.OPENED)
        if anchor not in list(Anchor):
            raise self.error(f"{key}.anchor", f"expected one of {', '.join(Anchor)}, got {anchor!r}")
        anchor = Anchor(anchor)
        if "rule" in raw:
            if "in_hours" in raw or "out_of_hours" in raw:
                raise self.error(key, "give either rule or in_hours and out_of_hours, not both")
            rule = self.rule(raw["rule"], f"{key}.rule")
            return Target(rule, rule, anchor) if rule else None
        if "in_hours" not in raw or "out_of_hours" not in raw:
            raise self.error(key, "expected rule, or both in_hours and out_of_hours")
        in_hours = self.rule(raw["in_hours"], f"{key}.in_hours")
        out_of_hours = self.rule(raw["out_of_hours"], f"{key}.out_of_hours")
        return Target(in_hours, out_of_hours, anchor) if in_hours or out_of_hours else None

    def rule(self, value: Any, key: str) -> Rule | None:
        try:
            return parse_rule(self.string(value, key))
        except ValueError as error:
            raise self.error(key, str(error)) from None

    def duration(self, value: Any, key: str) -> timedelta | None:
        if value is None:
            return None
        try:
            return parse_duration(self.string(value, key))
        except ValueError as error:
            raise self.error(key, str(error)) from None

    def positive_duration(self, value: Any, key: str) -> timedelta | None:
        duration = self.duration(value, key)
        if duration is not None and duration.total_seconds() <= 0:
            raise self.error(key, "expected a duration longer than zero")
        return duration

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_kind(value)}")
        return value

    def availability(self, value: Any, key: str) -> AvailabilityTarget:
        raw = self.table(value, key, ("target", "exclude_maintenance", "credits", "partial_weight"))
        target = self.percentage(raw["target"], f"{key}.target") if "target" in raw else None
        excluded = raw.get("exclude_maintenance", [MaintenanceKind.SCHEDULED, MaintenanceKind.REGULAR])
        if not isinstance(excluded, list) or any(k not in list(MaintenanceKind) for k in excluded):
            raise self.error(f"{key}.exclude_maintenance", f"expected a list of {', '.join(MaintenanceKind)}")
        kinds = tuple(MaintenanceKind(k) for k in excluded)
        credits = self.credits(raw.get("credits", []), f"{key}.credits")
        partial = self.fraction(raw.get("partial_weight", PARTIAL_WEIGHT), f"{key}.partial_weight")
        return AvailabilityTarget(target, kinds, credits, partial)

    def fraction(self, value: Any, key: str) -> float:
        expected = f"expected a fraction above 0 and at most 1 such as 0.3, got {value!r}"
        return float(self._number_in(value, key, lambda v: 0 < v <= 1, expected))

    def credits(self, value: Any, key: str) -> tuple[tuple[float, float], ...]:
        """Tiers such as [{below = 99.9, credit = 10}, {below = 99.0, credit = 25}]."""
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of {{below = %, credit = %}} tables, got {_kind(value)}")
        tiers = []
        for i, item in enumerate(value):
            tier = self.table(item, f"{key}[{i}]", ("below", "credit"))
            if set(tier) != {"below", "credit"}:
                raise self.error(f"{key}[{i}]", "a tier needs both below and credit")
            tiers.append(
                (
                    self.percentage(tier["below"], f"{key}[{i}].below"),
                    self.percentage(tier["credit"], f"{key}[{i}].credit"),
                )
            )
        tiers.sort(reverse=True)
        for (above, smaller), (below, larger) in itertools.pairwise(tiers):
            if above == below or larger <= smaller:
                raise self.error(key, "each lower threshold needs its own, larger credit")
        return tuple(tiers)

    def percentage(self, value: Any, key: str) -> float:
        expected = f"expected a percentage such as 99.9, got {value!r}"
        return float(self._number_in(value, key, lambda v: 0 < v <= 100, expected))

    def maintenance(self, value: Any, key: str) -> MaintenanceRules:
        raw = self.table(value, key, ("notice", "outside_hours", "regular_per_week"))
        per_week = (
            self.whole(raw["regular_per_week"], f"{key}.regular_per_week", 1) if "regular_per_week" in raw else None
        )
        notice = self.rule(raw["notice"], f"{key}.notice") if "notice" in raw else None
        return MaintenanceRules(notice, self.boolean(raw.get("outside_hours", False), f"{key}.outside_hours"), per_week)


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), type(value).__name__)
