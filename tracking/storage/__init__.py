"""Storage adapter: SQLModel tables, the engine, repositories and migrations."""
