"""Pure routing decisions: deadlines, jurisdiction, employer matching, assignment, escalation, risk, KPI.

Data in, decision plus explanation out. No database, no web; reference data is read from kb_content.
This package must not import portal, nlp, search or bots — the portal applies these decisions.
"""
