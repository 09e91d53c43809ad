"""Generated prose and HTML: the reports' sentences and marked-up text, one module per step.

The method modules compute tables; the modules here turn those tables into Markdown sentences
and HTML fragments for the reports, and compute nothing of the analysis themselves. Every
string that comes from a corpus or a user file goes through :mod:`analysis.safe` on its way in.
Import the module of a step: ``from analysis.narrate import sentiment as narrate_sentiment``.
"""
