"""Debug messages and warnings through the logging module, which is imported only to write one.

Importing logging takes about 4 ms, more than listing a small store takes, and a listing usually
writes no message at all.
"""

import sys
from collections.abc import Callable
from typing import Any, Optional

# Run once, before the first message is written: the command line sets this to configure logging.
before_first_message: Optional[Callable[[], None]] = None


class Logger:
    """Stands in for logging.getLogger(name) and imports logging on the first message."""

    def __init__(self, name: str) -> None:
        self.name = name

    def debug(self, message: str, *arguments: Any) -> None:
        # Only --debug turns debug messages on, and it configures (so imports) logging first.
        if "logging" in sys.modules:
            self._logger().debug(message, *arguments)

    def warning(self, message: str, *arguments: Any) -> None:
        self._logger().warning(message, *arguments)

    def _logger(self) -> Any:
        global before_first_message
        setup, before_first_message = before_first_message, None
        if setup is not None:
            setup()
        import logging

        return logging.getLogger(self.name)
