"""The load benchmark (bench/README.md). Not part of the application: never in INSTALLED_APPS."""
