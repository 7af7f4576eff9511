"""The bottom layer: JSON conversion, crash-safe writes and provenance. Imports nothing else of adv_tf
(except `adv_tf.errors` and `adv_tf.cpu_kernels`, which reads TensorFlow's state only once it is imported)
and never imports TensorFlow."""
from adv_tf.utils.atomic import (
                                 append_line,
                                 atomic_save_npz,
                                 atomic_write_bytes,
                                 atomic_write_text,
                                 atomic_write_with,
                                 fsync_tree,
                                 read_complete_lines,
                                 repair_trailing_line,
)
from adv_tf.utils.jsonable import stable_hash, to_jsonable

__all__ = ["append_line", "atomic_save_npz", "atomic_write_bytes", "atomic_write_text", "atomic_write_with",
           "fsync_tree", "read_complete_lines", "repair_trailing_line", "stable_hash", "to_jsonable"]
