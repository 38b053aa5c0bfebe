"""What every app uses and no app owns: absolute URLs, registries, Markdown, form helpers,
the crisis lines. No models, and no imports from any app of ours (the lowest layer)."""
