"""The role home pages and the navigation: the top layer, views only.
Imports any app's selectors; no app imports it."""
