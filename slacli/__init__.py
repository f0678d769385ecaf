"""slacli: SLA deadlines in business hours, incidents and monthly availability."""

__version__ = "0.1.0"
