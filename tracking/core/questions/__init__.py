"""The question language shared by the bots, the CLI and the API."""
