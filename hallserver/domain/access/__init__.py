"""Who may come in: candidates, their devices and logins, staff accounts, the login throttle."""
