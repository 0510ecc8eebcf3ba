"""Templates, static assets and message catalogs, shipped as ``qa_service.web``."""
