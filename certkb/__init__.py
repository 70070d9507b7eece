"""Educator certification knowledge base: content model, loader, renderer and MkDocs plugin."""
