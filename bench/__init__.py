"""The load benchmark (bench/README.md), the synthetic city and seed_scale (development only).
Imports any app; no app imports it, and the Docker image leaves it out."""
