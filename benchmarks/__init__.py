"""`make bench` benchmarks (benchmarks/run_all.py)."""
import adv_tf  # noqa: F401  first: it picks TensorFlow's CPU kernels before any benchmark imports TensorFlow
