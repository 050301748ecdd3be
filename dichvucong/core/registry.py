"""Adapters by name (postal carriers, national-portal adapters, …), loaded on first use, with the rule that
an adapter marked ``is_demo`` is handed out only in demo mode (DVC_DEMO=1); ``core.startup`` refuses to
start a production configuration that names one."""

from __future__ import annotations

import importlib
from typing import Generic, TypeVar

from dichvucong.core.modes import demo_mode

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, *, package: str, built_in: tuple[str, ...], what: str):
        self._package, self._built_in, self._what = package, built_in, what
        self._classes: dict[str, type[T]] = {}
        self._loaded = False

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: make an adapter available under ``cls.name``."""
        self._classes[cls.name] = cls  # type: ignore[attr-defined]
        return cls

    def unregister(self, cls: type[T]) -> None:
        self._classes.pop(cls.name, None)  # type: ignore[attr-defined]

    def _load(self) -> None:
        if not self._loaded:
            for module in self._built_in:
                importlib.import_module(f"{self._package}.{module}")
            self._loaded = True

    def names(self) -> list[str]:
        self._load()
        return sorted(self._classes)

    def get_class(self, name: str) -> type[T]:
        self._load()
        try:
            return self._classes[name]
        except KeyError:
            raise LookupError(f"No {self._what} named {name!r}") from None

    def get(self, name: str) -> T:
        """An instance of the adapter; a demo adapter only in demo mode."""
        cls = self.get_class(name)
        if cls.is_demo and not demo_mode():  # type: ignore[attr-defined]
            raise LookupError(f"The {self._what} {name!r} is a demo: only in demo mode (DVC_DEMO=1)")
        return cls()

    def is_demo(self, name: str) -> bool:
        try:
            return bool(self.get_class(name).is_demo)  # type: ignore[attr-defined]
        except LookupError:
            return False
