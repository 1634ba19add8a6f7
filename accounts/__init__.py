"""Agencies, profiles (role, clearance), sign-in, two-factor, sessions, security events, account
changes and their rules. Imports core, and the grant and request models a disabled account loses."""
