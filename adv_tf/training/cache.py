"""`ModelCache`: one trained-model cache for every study and benchmark.

A model's key is the hash of everything it depends on: the model name and its full resolved config, the
full resolved TrainConfig (it holds the seed), the data identity (`DatasetInfo.identity()` of the splits
used), an optional parent (e.g. the model a fine-tune starts from) and the code/library versions. Two
callers that train the same LeNet on the same data therefore share one entry.

Files under `root` (default `$ADV_TF_MODEL_CACHE` or `~/.cache/adv_tf/models`), per key hash:
  `<hash>.keras`  the model, written first (temporary file, fsync, rename);
  `<hash>.json`   the key and the TrainResult, written last the same way: its presence marks a complete
                  entry, so a crash between the two leaves a model without metadata, which is trained again
                  (a retrain removes the old metadata before it writes the new model, so a crash can never
                  pair a new model with an old TrainResult);
  `<hash>.lock`   an exclusive lock held while one process trains the key, so concurrent shards do not
                  train the same model twice (the second waits, then loads).

`retrain=True` retrains each key once per *retrain token*: the retrained entry's metadata stores the token, and
a cache whose token matches loads it instead of training again. One process gets a fresh token (retrain once
per key and process, as before); the shards of one cluster job pass the same token (`--retrain_token`, e.g. the
scheduler's job id), so the first shard to reach a model retrains it and the others load that model.

A remote root (`gs://bucket/models`, any `tf.io.gfile` filesystem) is kept as a URL: entries are read through a
local copy (`$ADV_TF_STAGING_DIR` or ~/.cache/adv_tf/staging) and a trained entry is uploaded model first,
metadata last. The lock and fsyncs are local only there, so two machines may train the same key at once (both
upload an entry; the last one wins, and either is a complete entry).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import pathlib
import uuid
from typing import Any, Callable, Mapping, Optional

import keras

from adv_tf import remote
from adv_tf.training.config import TrainConfig, TrainResult
from adv_tf.utils import provenance
from adv_tf.utils.atomic import atomic_write_text, atomic_write_with, fsync_dir
from adv_tf.utils.jsonable import stable_hash, to_jsonable
from adv_tf.utils.model_cache_root import default_root

logger = logging.getLogger(__name__)

# Versions that change what training computes; Python/TFDS/git are left out so a checkout does not retrain.
KEY_VERSIONS = ("adv_tf", "tensorflow", "keras", "numpy")


@contextlib.contextmanager
def _locked(path: pathlib.Path):
  with open(path, "a") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)  # released by the OS when the process dies
    try:
      yield
    finally:
      fcntl.flock(handle, fcntl.LOCK_UN)


class ModelCache:
  """Trains each model once and loads it afterwards.

  Attributes:
    root: the cache folder.
    retrain: train again even on a hit; once per key and `retrain_token`.
    retrain_token: identifies one retrain job (default: a fresh token per cache object, i.e. per process).
    last_hit: whether the last `get_or_train` loaded the model from the cache.
  """

  def __init__(self, root: Optional[str | os.PathLike] = None, *, retrain: bool = False,
               retrain_token: Optional[str] = None):
    root = root or os.environ.get("ADV_TF_MODEL_CACHE") or None
    self.remote_root = os.fspath(root).rstrip("/") if root and remote.is_remote(root) else None
    if self.remote_root:
      self.root = remote.default_staging_root() / f"models-{stable_hash(self.remote_root)}"
    else:
      self.root = pathlib.Path(root).expanduser() if root else default_root()
    self.retrain = retrain
    self.retrain_token = retrain_token or uuid.uuid4().hex
    self.last_hit = False

  def key_dict(self, *, model_name: str, model_config: Mapping[str, Any], train_config: TrainConfig,
               data_identity: Mapping[str, Any], parent: Optional[str] = None) -> dict:
    """The JSON text a key hashes (stored in the entry's metadata).

    Args:
      parent: for a model trained from another (a fine-tune), the parent's own `key(...)`, so a different
        parent (its config, data or training) gives a different child key; the fine-tune's own choices
        (e.g. `finetune.freeze_spec(...)`) belong in `model_config`.
    """
    versions = provenance.versions()
    return to_jsonable({"model": model_name, "model_config": dict(model_config), "train": train_config.to_dict(),
                        "data": dict(data_identity), "parent": parent,
                        "versions": {k: versions.get(k) for k in KEY_VERSIONS}}, "model cache key")

  def key(self, **kwargs) -> str:
    """Stable hash of `key_dict(**kwargs)` (20 hex digits, the same in every process)."""
    return stable_hash(self.key_dict(**kwargs))

  def paths(self, key: str) -> tuple[pathlib.Path, pathlib.Path]:
    return self.root / f"{key}.keras", self.root / f"{key}.json"

  def _pull(self, key: str) -> None:
    """Remote root: copies the remote entry of `key` (if complete there) over the local copy."""
    if not self.remote_root:
      return
    gfile = remote._gfile()  # pylint: disable=protected-access
    names = [path.name for path in self.paths(key)]  # model first, metadata last
    if all(gfile.exists(remote.join(self.remote_root, name)) for name in names):
      for name in names:
        gfile.copy(remote.join(self.remote_root, name), str(self.root / name), overwrite=True)

  def _push(self, key: str) -> None:
    """Remote root: uploads the local entry of `key`, model first, metadata last."""
    if not self.remote_root:
      return
    for path in self.paths(key):
      remote.put(path, remote.join(self.remote_root, path.name))

  def _token(self, key: str) -> Optional[str]:
    """The retrain token stored with the entry of `key` (None when absent or unreadable)."""
    try:
      return json.loads(self.paths(key)[1].read_text()).get("retrain_token")
    except (OSError, ValueError, AttributeError):
      return None

  def load(self, key: str) -> Optional[tuple[keras.Model, TrainResult]]:
    """The entry of `key`, or None when it is missing, incomplete or unreadable."""
    model_path, meta_path = self.paths(key)
    if not (model_path.exists() and meta_path.exists()):
      return None
    try:
      result = TrainResult.from_dict(json.loads(meta_path.read_text())["result"])
      return keras.saving.load_model(model_path, compile=False), result
    except Exception as error:  # pylint: disable=broad-except  (zipfile.BadZipFile, zlib.error, ... too)
      # e.g. written by an older version or damaged: train again and overwrite it, but say so.
      logger.warning("model cache entry %s is unreadable (%s: %s); training it again", key,
                     type(error).__name__, error)
      return None

  def get_or_train(self, *, model_name: str, model_config: Mapping[str, Any], train_config: TrainConfig,
                   data_identity: Mapping[str, Any], build: Callable[[], keras.Model],
                   train: Callable[[Callable[[], keras.Model]], tuple[keras.Model, TrainResult]],
                   parent: Optional[str] = None) -> tuple[keras.Model, TrainResult]:
    """The cached model of this key, or `train(build)`'s, saved first.

    Args:
      build: returns the fresh (untrained) model.
      train: trains a model built by the builder it gets (e.g. `lambda b: train_model(b, ...)`) and
        returns (model, TrainResult).
    """
    key_dict = self.key_dict(model_name=model_name, model_config=model_config, train_config=train_config,
                             data_identity=data_identity, parent=parent)
    key = stable_hash(key_dict)
    self.root.mkdir(parents=True, exist_ok=True)
    with _locked(self.root / f"{key}.lock"):
      self._pull(key)
      force = self.retrain and self._token(key) != self.retrain_token
      if not force:
        cached = self.load(key)
        if cached is not None:
          self.last_hit = True
          return cached
      model, result = train(build)
      model_path, meta_path = self.paths(key)
      if meta_path.exists():  # a retrain (or an unreadable entry): the old metadata goes before the new model
        meta_path.unlink()
        fsync_dir(self.root)
      atomic_write_with(model_path, model.save, suffix=".keras")
      meta = {"key": key_dict, "hash": key, "result": result.to_dict()}
      if self.retrain:
        meta["retrain_token"] = self.retrain_token  # written last: only a complete entry counts as retrained
      atomic_write_text(meta_path, json.dumps(meta, indent=1, sort_keys=True) + "\n")
      self._push(key)
      self.last_hit = False
      return model, result
