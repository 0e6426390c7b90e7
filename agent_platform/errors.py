"""The service's exceptions."""


class PlatformError(Exception):
    """Base of the service's own errors."""


class InvalidContextError(PlatformError, ValueError):
    """A UserExecutionContext with an empty or placeholder id."""


class ConcurrencyLimitError(PlatformError):
    """The user already has the maximum number of live execution engines."""


class LLMError(PlatformError):
    """The LLM could not be reached or answered with an error, after the retry."""


class AuthError(PlatformError):
    """A missing, expired or forged token, or wrong credentials."""
