"""The demo data `make run` seeds (`manage.py seed_demo`): one module per app, seeded in
layer order. It may use every app; no app imports it."""
