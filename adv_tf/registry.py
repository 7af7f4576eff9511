"""A name -> object registry, one per kind (datasets, transforms, models, attacks, defenses, ...).

Adding a component is one file plus one `@REGISTRY.register("name")` line; lookups of unknown names
fail with a one-line error listing the known ones.
"""
from __future__ import annotations

from typing import Callable, Generic, Iterator, TypeVar

from adv_tf.errors import AdvTfError

T = TypeVar("T")


class Registry(Generic[T]):
  """Maps names to components of one kind."""

  def __init__(self, kind: str):
    self.kind = kind
    self._items: dict[str, T] = {}

  def register(self, name: str) -> Callable[[T], T]:
    def decorator(item: T) -> T:
      if name in self._items:
        raise ValueError(f"{self.kind} {name!r} is registered twice")
      self._items[name] = item
      return item
    return decorator

  def get(self, name: str) -> T:
    try:
      return self._items[name]
    except KeyError:
      raise AdvTfError(f"unknown {self.kind} {name!r}; choose one of: {', '.join(sorted(self._items))}") from None

  def names(self) -> list[str]:
    return sorted(self._items)

  def __contains__(self, name: object) -> bool:
    return name in self._items

  def __iter__(self) -> Iterator[str]:
    return iter(sorted(self._items))
