#!/usr/bin/env bash
# UNTESTED (no Kubernetes here). The admin's route to the class table on Zero to JupyterHub:
# copy each RUNNING student's progress file out of their pod into gathered/<user>/..., the
# layout tools/class_progress.py reads. Students whose servers are stopped are not reached
# (their volumes are only mounted while they run): gather at the end of a lab session.
#   deploy/z2jh/gather.sh course gathered && make class HOMES=gathered
set -euo pipefail
namespace=${1:?namespace of the hub}
out=${2:-gathered}
course=matrix-derivatives-course  # tools/course_repo.py: CHECKOUT_NAME
for pod in $(kubectl -n "$namespace" get pods -l component=singleuser-server -o name); do
  user=$(kubectl -n "$namespace" get "$pod" \
           -o jsonpath='{.metadata.annotations.hub\.jupyter\.org/username}')
  if kubectl -n "$namespace" exec "$pod" -c notebook -- test -d "/home/jovyan/$course"; then
    mkdir -p "$out/$user/$course/notebooks"
    kubectl -n "$namespace" exec "$pod" -c notebook -- \
      cat "/home/jovyan/$course/notebooks/.course-progress.json" \
      > "$out/$user/$course/notebooks/.course-progress.json" 2>/dev/null || true
  fi
done
echo "gathered $(ls "$out" | wc -l) students into $out/"
