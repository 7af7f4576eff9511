"""Resumable, shardable studies: grids of cells with stable ids, one atomic JSON-line record per cell.

Generic for every study of the suite (hyperparameters, dataset properties, minimal dataset, Imagenette
defenses, training size); nothing here knows about a particular paper. `study` defines what a study is
(the `Study` base class, `Stage`, `StudyRun`), `cli` is every binary. See `runner` for the crash-safety
rules and `records` for the output folder layout. Importing this package does not import TensorFlow.
"""
from adv_tf.experiment.cell_ids import canonical_json, cell_id
from adv_tf.experiment.records import load_records, progress_path, record_files, records_path
from adv_tf.experiment.runner import (
                                      Cell,
                                      CellContext,
                                      CellGrid,
                                      RunSummary,
                                      derive_seed,
                                      pending_cells,
                                      run_study,
                                      seed_everything,
                                      shard_cells,
                                      throttled,
                                      validate_shard,
)
from adv_tf.experiment.study import Stage, Study, StudyRun
from adv_tf.experiment.summaries import write_scalar
from adv_tf.utils.atomic import (
                                      append_line,
                                      atomic_save_npz,
                                      atomic_write_bytes,
                                      atomic_write_text,
                                      read_complete_lines,
                                      repair_trailing_line,
)
from adv_tf.utils.jsonable import to_jsonable

__all__ = [
    "Stage", "Study", "StudyRun", "Cell", "CellContext", "CellGrid", "RunSummary", "append_line", "atomic_save_npz",
    "atomic_write_bytes", "atomic_write_text", "canonical_json", "cell_id", "derive_seed", "load_records",
    "pending_cells", "progress_path", "read_complete_lines", "record_files",
    "records_path", "repair_trailing_line", "run_study", "seed_everything",
    "shard_cells", "throttled", "to_jsonable", "validate_shard", "write_scalar",
]
