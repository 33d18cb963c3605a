"""Whether what the screens show has been confirmed by the database lately: live, stale (a
question it has not answered for a while) or offline (its answers fail)."""

LIVE, STALE, OFFLINE = "live", "stale", "offline"
