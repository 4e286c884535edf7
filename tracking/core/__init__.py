"""Lantern's pure core: links, channels, attribution and questions.

Nothing in this package performs I/O or imports a web, chat or database
library; adapters call into it and translate its errors.
"""
