"""The web dashboard: server-rendered pages under /dashboard, with their own session and templates."""
