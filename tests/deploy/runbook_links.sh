#!/usr/bin/env bash
# Every alert of RULES has a runbook_url, and each names a file under ROOT.
set -euo pipefail
rules=$1 root=$2
alerts=$(grep -c '^ *- alert:' "$rules")
links=$(grep -c '^ *runbook_url:' "$rules")
if [[ "$alerts" -ne "$links" ]]; then
  echo "$alerts alerts but $links runbook links in $rules" >&2
  exit 1
fi
status=0
while read -r path; do
  if [[ ! -f "$root/$path" ]]; then
    echo "missing runbook: $path" >&2
    status=1
  fi
done < <(sed -n 's/^ *runbook_url: *//p' "$rules" | sort -u)
exit $status
