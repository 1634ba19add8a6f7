"""Agencies, profiles (role, clearance), sign-in, two-factor, sessions, security events, account
changes and their rules. Imports core only: what a disabled account loses elsewhere, the apps
above take back on security.account_disabled."""
