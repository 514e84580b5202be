#!/usr/bin/env bash
# Run by the build before the tests of the modules whose tests start MLflow (the mlflow-venv execution of the
# root POM): installs the pinned mlflow once, in a step of its own that says so and how long it took, rather
# than inside the first MLflow test's time. If it cannot, those tests skip, or fail when
# FERMION_REQUIRE_MLFLOW=true (CI); so does this step then.
#
#   scripts/test-mlflow-venv.sh SKIP_TESTS MAVEN_TEST_SKIP    (the build passes its two properties)
set -uo pipefail
if [[ ${1:-} == true || ${2:-} == true ]]; then
  exit 0
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/mlflow-server.sh" install && exit 0
if [[ ${FERMION_REQUIRE_MLFLOW:-} == true ]]; then
  echo "test-mlflow-venv: mlflow could not be installed, and FERMION_REQUIRE_MLFLOW=true requires it" >&2
  exit 1
fi
echo "test-mlflow-venv: mlflow could not be installed; the tests that need MLflow will be skipped" >&2
