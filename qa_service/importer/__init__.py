"""`referendum-qa import`: articles from news pages, feeds, sitemaps and saved pages.

fetch.py (polite, bounded HTTP) -> discover.py (what a source holds) -> extract.py (main
text and attribution) -> write.py (Markdown files in the corpus) -> run.py (one run and
its summary); command.py is the command line. Heavy libraries (trafilatura, feedparser)
load only when the command runs.
"""
