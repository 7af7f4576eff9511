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
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: install data test bench reproduce-hyperparams reproduce-training-size clean

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
	$(PY) -m data_prep.import_raw --raw_dir="$(RAW_DIR)" --data_dir="$(DATA_DIR)" --dataset=$(DATASETS)
else
	@echo "make data: RAW_DIR not set; datasets will be downloaded by tensorflow-datasets on first use."
endif

test: install
	ADV_TF_OFFLINE=1 ADV_TF_RAW_DIR="$(RAW_DIR)" ADV_TF_DATA_DIR="$(DATA_DIR)" $(PY) -m pytest -q tests

bench: install
	$(PY) -m benchmarks.run_all --data_dir="$(DATA_DIR)" --raw_dir="$(RAW_DIR)"

reproduce-hyperparams: install
	$(MAKE) data DATASETS=mnist
	$(PY) -m experiments.hyperparams --profile=$(PROFILE) --data_dir="$(DATA_DIR)" \
	  --output_dir="$(OUTPUT_DIR)/hyperparams/$(PROFILE)"

# Paper 004 (training-set size): quick needs MNIST and the local CIFAR-10; cpu-full adds Tiny ImageNet.
reproduce-training-size: install
	$(MAKE) data
	$(PY) -m experiments.training_size --profile=$(PROFILE) --data_dir="$(DATA_DIR)" \
	  --output_dir="$(OUTPUT_DIR)/training_size/$(PROFILE)"

clean:
	rm -rf $(VENV) .pytest_cache
