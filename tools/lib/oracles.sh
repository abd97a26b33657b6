#!/usr/bin/env bash
# Test oracles that live outside the project: Microsoft's Kusto parser (npm), installed in its own
# folder under tools/.deps so that nothing is installed globally.
SIGMA_SHARED="${SIGMA_SHARED:-$SIGMA_ROOT/../shared}"
SIGMA_KQL_ORACLE="$SIGMA_ROOT/tools/.deps/kql-oracle"

setup_kql_oracle() {
  local src="$SIGMA_SHARED/oracles/kql"
  if [ ! -f "$src/check.js" ]; then
    log "no KQL oracle at $src: the tests that compare with Microsoft's parser will be skipped"
    return 0
  fi
  if [ ! -d "$SIGMA_KQL_ORACLE/node_modules/@kusto/language-service-next" ]; then
    log "installing the KQL oracle (npm) into $SIGMA_KQL_ORACLE"
    mkdir -p "$SIGMA_KQL_ORACLE"
    cp "$src/check.js" "$src/package.json" "$SIGMA_KQL_ORACLE/"
    [ -f "$src/package-lock.json" ] && cp "$src/package-lock.json" "$SIGMA_KQL_ORACLE/"
    (cd "$SIGMA_KQL_ORACLE" && chmod u+w ./* && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent)) >&2
  fi
  export SIGMA_KQL_ORACLE
}
