"""Authentication: one login path (password, then second factor; or OpenID Connect), lockout
per account and per address, session guard, password change and reset. See docs/security.md."""
