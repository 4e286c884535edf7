"""The HTTP adapter (aiohttp): translates requests to the tracker and back."""
