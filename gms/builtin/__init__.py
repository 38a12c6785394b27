"""Built-in plugins, always registered first so they run after the enabled ones."""
