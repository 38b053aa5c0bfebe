"""What every app uses and no app owns: absolute URLs, registries, Markdown, form helpers,
the crisis lines, one-line text, the resilient cache, outages and handing tasks to Celery.
No models, and no imports from any app of ours (the lowest layer)."""
