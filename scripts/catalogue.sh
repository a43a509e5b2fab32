#!/usr/bin/env bash
# Refresh the server's Chinese catalogue (hall/translations/zh_CN/LC_MESSAGES/messages.po) from the
# source: its pages' texts and every refusal the API gives (the error classes' templates and the
# words in hall/web/refusals.py). New entries arrive with an empty msgstr; translate them, and
# tests/unit/test_refusal_catalogue.py fails until every refusal has its Chinese.
set -euo pipefail
cd "$(dirname "$0")/.."
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
.venv/bin/pybabel extract -F hall/babel.cfg --no-location --no-wrap -o "$pot" \
  -k NotFound -k Conflict -k Forbidden -k Invalid -k Unauthorized -k ServiceError \
  -k QueueError -k CaseRuleError -k CalendarError -k CodecError \
  -k _term:1c,2 \
  hall
.venv/bin/pybabel update -i "$pot" -d hall/translations -l zh_CN --no-wrap --no-fuzzy-matching --ignore-obsolete
