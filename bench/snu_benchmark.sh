#!/usr/bin/env bash
# Runs the SNU-B36-EX rows of bench/RESULTS.md: FE, its ablations and the
# f-CLSWGAN baseline on the 'la' and 'oh' attribute sets, 3 seeds each, on
# the standard test split. Writes one metrics JSON and one log per run to
# $OUT and prints the summary table.
#
# Usage: FE_DATA_DIR=/path/to/data bench/snu_benchmark.sh [ROW...]
#   ROW is one of: fe f-clswgan fe-latent fe-att no-dep no-rank fe-paper-pair
#   (default: all). Set SEEDS="1 2 3" and DATASETS="la oh" to narrow a run.
set -euo pipefail
cd "$(dirname "$0")/.."

fe_train=${FE_TRAIN:-build/training/fe-train}
data=${FE_DATA_DIR:?set FE_DATA_DIR to the directory that holds snu-b36-ex/}
out=${OUT:-bench/out/snu}
seeds=${SEEDS:-1 2 3}
datasets=${DATASETS:-la oh}
rows=("$@")
if ((${#rows[@]} == 0)); then
  rows=(fe f-clswgan fe-latent fe-att no-dep no-rank fe-paper-pair)
fi
mkdir -p "$out"

# Settings chosen on the validation split (fe-train --validation), never on
# the test split; bench/RESULTS.md lists the candidates that were compared.
common=(--features CNN_fea.mat --epochs 30 --batch_size 64
        --generator_lr 1e-3 --critic_lr 1e-3 --cls_weight 1)

dataset_flags() {
  case $1 in
    # Mixed units (one-hot types, floor, metres): standardise each dimension.
    la) echo "--semantic_norm standardize-l2" ;;
    oh) echo "--semantic_norm l2" ;;
  esac
}

# n_syn per unseen class and the calibrated-stacking factor of FE (shared
# by its ablations), of FE with the paper's (x, N(x)) pairs, and of
# f-CLSWGAN, each chosen on the validation split.
fe_settings() {
  case $1 in
    la) echo "--n_syn 200 --calibration 0" ;;
    oh) echo "--n_syn 200 --calibration 1" ;;
  esac
}
paper_pair_settings() {
  case $1 in
    la) echo "--n_syn 200 --calibration 0" ;;
    oh) echo "--n_syn 200 --calibration 1.5" ;;
  esac
}
baseline_settings() {
  case $1 in
    la) echo "--n_syn 50 --calibration -0.25" ;;
    oh) echo "--n_syn 50 --calibration -0.25" ;;
  esac
}

row_flags() {
  local row=$1 dataset=$2
  case $row in
    fe) echo "--variant fe --real_pair attribute $(fe_settings "$dataset")" ;;
    fe-paper-pair) echo "--variant fe --real_pair virtual $(paper_pair_settings "$dataset")" ;;
    fe-latent) echo "--variant fe-latent --real_pair attribute $(fe_settings "$dataset")" ;;
    fe-att) echo "--variant fe-att --real_pair attribute $(fe_settings "$dataset")" ;;
    no-dep) echo "--variant fe --real_pair attribute --dep_weight 0 $(fe_settings "$dataset")" ;;
    no-rank) echo "--variant fe --real_pair attribute --rank_weight 0 $(fe_settings "$dataset")" ;;
    f-clswgan) echo "--variant f-clswgan $(baseline_settings "$dataset")" ;;
    *) echo "unknown row '$row'" >&2; return 2 ;;
  esac
}

for row in "${rows[@]}"; do
  for dataset in $datasets; do
    for seed in $seeds; do
      name="$dataset-$row-seed$seed"
      # shellcheck disable=SC2046  # the flag strings are meant to split
      cmd=("$fe_train" --data "$data/snu-b36-ex/$dataset" "${common[@]}"
           $(dataset_flags "$dataset") $(row_flags "$row" "$dataset")
           --seed "$seed" --snapshot_root "$out/snapshots"
           --model "snu-$dataset-$row" --metrics_json "$out/$name.json")
      echo "${cmd[*]}" > "$out/$name.cmd"
      echo "running $name"
      "${cmd[@]}" > "$out/$name.log" 2>&1
    done
  done
done

/usr/bin/env python3 bench/summarize_runs.py "$out"
