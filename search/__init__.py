"""Knowledge-base indexing and retrieval (articles, checklist items, Labour Code, similar cases).

Independent of portal/nlp/routing/bots: the portal calls `open_backend`, `build_index` and `load_articles`.
"""
