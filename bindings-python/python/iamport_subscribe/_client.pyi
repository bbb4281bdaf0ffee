# The public clients: their operations are declared on the native base classes (_native.pyi,
# generated from core's declarations).
from . import _native

__all__ = ["Client", "AsyncClient"]

class Client(_native.Client): ...
class AsyncClient(_native.AsyncClient): ...
