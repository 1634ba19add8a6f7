"""Shared ground: the outbox, notifications, health, hardening, request middleware, i18n, and
the form, date and pagination helpers. Imports no app of the project: Django and libraries."""
