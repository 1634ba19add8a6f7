"""The demo city: seed_demo, run_demo, check_demo_database and the stories (development only).
Imports any app's services; no app imports it, and the Docker image leaves it out."""
