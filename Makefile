# adv_tf — see README.md. Variables a user sets: DATA_DIR (TFDS data directory) and RAW_DIR (local raw files).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= $(HOME)/tensorflow_datasets
RAW_DIR ?=
DATASETS ?= all
EXTRAS ?= cpu,dev
PROFILE ?= quick
OUTPUT_DIR ?= results
# Extra flags of `make bench` (benchmarks/run_all.py --help), e.g. BENCH_FLAGS="--only=cw --cw_selfcheck".
BENCH_FLAGS ?=
# Test worker processes (pytest-xdist; each runs whole test files); 0 runs the suite in this one process.
TEST_WORKERS ?= 2
export TF_CPP_MIN_LOG_LEVEL ?= 2
# A line break inside $(foreach ...), so that each item becomes its own recipe line.
define newline


endef

# Studies: every experiments/<module>.py binary (one per entry of adv_tf.studies.STUDIES, tests check it) but
# evaluate.py (adv-tf-evaluate: the user's own model, no paper); the study name is the module name with dashes.
STUDY_MODULES := $(filter-out __init__ evaluate,$(basename $(notdir $(wildcard experiments/*.py))))
STUDIES := $(subst _,-,$(STUDY_MODULES))
# Datasets each study needs imported before it runs (default: all).
DATASETS_dataset-properties := mnist fashion_mnist
DATASETS_hyperparams := mnist
DATASETS_minimal-dataset := mnist
DATASETS_imagenette-defenses := imagenette
DATASETS_training-size := mnist cifar10 tiny_imagenet

.PHONY: install data test lint bench reproduce-all publish-results clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"
	touch $@

# Import local raw files into DATA_DIR so that tfds.load works offline. Without RAW_DIR: nothing to do,
# datasets download through TFDS on first use.
data: install
ifneq ($(strip $(RAW_DIR)),)
	$(PY) -m data_prep.import_raw --raw_dir="$(RAW_DIR)" --data_dir="$(DATA_DIR)" --dataset="$(strip $(DATASETS))"
else
	@echo "make data: RAW_DIR not set; datasets will be downloaded by tensorflow-datasets on first use."
endif

test: install
	ADV_TF_OFFLINE=1 ADV_TF_RAW_DIR="$(RAW_DIR)" ADV_TF_DATA_DIR="$(DATA_DIR)" $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile tests

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: install
	$(PY) -m benchmarks.run_all --data_dir="$(DATA_DIR)" --raw_dir="$(RAW_DIR)" $(BENCH_FLAGS)

# make reproduce-<study> [PROFILE=quick|cpu-full|paper|smoke]: results in $(OUTPUT_DIR)/<study with _>/<profile>.
# smoke checks an install: every stage on real data in about a minute of CPU (README); its report decides nothing.
reproduce-%: install
	$(MAKE) data DATASETS="$(or $(DATASETS_$*),all)"
	$(PY) -m experiments.$(subst -,_,$*) --profile=$(PROFILE) --data_dir="$(DATA_DIR)" \
	  --output_dir="$(OUTPUT_DIR)/$(subst -,_,$*)/$(PROFILE)"

# Every study's quick profile, one after the other; a failing study is recorded and the next one runs. Then
# $(OUTPUT_DIR)/index.md + index.html: every claim of the five papers, run times, report links
# (adv_tf/report/index.py). Exits non-zero at the end when a study failed.
FAILED_FILE := $(OUTPUT_DIR)/reproduce-all-failed.txt
reproduce-all: install
	rm -f "$(FAILED_FILE)" && mkdir -p "$(OUTPUT_DIR)"
	$(foreach study,$(STUDIES),$(MAKE) reproduce-$(study) PROFILE=quick || echo $(study) >> "$(FAILED_FILE)"$(newline))
	$(PY) -c "import sys; from adv_tf.studies import STUDIES; from adv_tf.report.index import main; \
	  sys.exit(main(studies=STUDIES))" \
	  --results_dir="$(OUTPUT_DIR)" --profile=quick --studies="$(STUDIES)" --failed_file="$(FAILED_FILE)"

# make publish-results STUDY=<study> PROFILE=<profile> [RECORDS=1]: a finished run's report, claims.json, CSV
# tables, run_time.json and small figures into docs/results/<study with _>/<profile>/ with its commit and machine
# (adv_tf/report/publish.py); RECORDS=1 also keeps the records a later run resumes from (a partial long run).
# Then docs/results/index.md: every claim, quick / cpu-full / paper verdicts side by side.
STUDY ?=
publish-results: install
	@test -n "$(STUDY)" || { echo "error: name the study: make publish-results STUDY=<study> PROFILE=<profile>"; exit 2; }
	$(PY) -m adv_tf.report.publish --study="$(STUDY)" --profile="$(PROFILE)" --results_dir="$(OUTPUT_DIR)" \
	  $(if $(RECORDS),--with_records,)
	$(PY) -c "import sys; from adv_tf.studies import STUDIES; from adv_tf.report.index import main; \
	  sys.exit(main(studies=STUDIES))" --results_dir=docs/results --profile=quick --compare=cpu-full,paper --studies="$(STUDIES)"

clean:
	rm -rf $(VENV) .pytest_cache
