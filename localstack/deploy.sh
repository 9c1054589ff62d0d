#!/usr/bin/env bash
# Deploys Flywheel's CDK app into a running LocalStack with cdklocal (the pinned aws-cdk-local wrapper around the
# pinned CDK CLI, both from infra-cdk/package.json), then writes what the CLI needs to drive that deployment.
#
#   docker compose -f localstack/docker-compose.yml up -d     # LocalStack on 127.0.0.1:4566 (needs Docker)
#   localstack/deploy.sh                                      # bootstrap + deploy --all (several minutes)
#   set -a; . localstack/target/flywheel-localstack.env; set +a
#   ./flywheel pipeline run --deployed --data examples/credit-g/credit-g.csv --target class --model credit-risk
#   ./flywheel predict credit-risk --url "$FLYWHEEL_API_URL" --data examples/credit-g/credit-g.csv
#
# Options:
#   --endpoint URL   LocalStack's edge URL on this machine (default $LOCALSTACK_ENDPOINT or http://127.0.0.1:4566)
#   --stage NAME     the stack's stage (default local)
#   --out DIR        where the outputs and the env file go (default localstack/target)
# What differs from AWS is in docs/deploy.md ("LocalStack").
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
endpoint="${LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}"
stage="local"
out="$root/localstack/target"

fail() {
  echo "localstack/deploy.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --endpoint) [ $# -ge 2 ] || fail "--endpoint needs a URL"; endpoint="$2"; shift 2 ;;
    --stage) [ $# -ge 2 ] || fail "--stage needs a name"; stage="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || fail "--out needs a folder"; out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1' (try --help)" ;;
  esac
done

# cdklocal reaches LocalStack through localhost.localstack.cloud (and s3.localhost.localstack.cloud for assets),
# names that resolve to 127.0.0.1: so only a LocalStack on this machine, by its port.
if [[ ! "$endpoint" =~ ^http://(127\.0\.0\.1|localhost|localhost\.localstack\.cloud):([0-9]+)/?$ ]]; then
  fail "--endpoint must be http://127.0.0.1:PORT (a LocalStack on this machine), got '$endpoint'"
fi
port="${BASH_REMATCH[2]}"
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  fail "--endpoint port must be 1-65535, got $port"
fi
endpoint="http://127.0.0.1:$port"
# The CDK app's own rule (infra-cdk Stage): checked here so a typo does not wait for the bootstrap.
if [[ ! "$stage" =~ ^[a-z][a-z0-9-]{0,19}$ ]]; then
  fail "--stage must be 1-20 lower-case letters, digits or '-', starting with a letter, got '$stage'"
fi

for tool in java mvn node npm curl; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on the PATH (README: JDK 17+, Maven, Node 20+)"
done
if ! health=$(curl -sf --max-time 5 "$endpoint/_localstack/health"); then
  fail "no LocalStack answers at $endpoint; start it with: docker compose -f localstack/docker-compose.yml up -d (needs a running Docker engine)"
fi
for service in cloudformation lambda stepfunctions apigateway s3 dynamodb; do
  if ! grep -q "\"$service\": *\"\(available\|running\)\"" <<<"$health"; then
    fail "LocalStack at $endpoint does not offer '$service' (its SERVICES setting); health: $health"
  fi
done

# cdklocal's endpoints are names under localhost.localstack.cloud, which public DNS answers with 127.0.0.1.
for name in localhost.localstack.cloud s3.localhost.localstack.cloud; do
  if ! node -e "require('dns').lookup(process.argv[1], {family: 4}, (e, a) => process.exit(!e && a === '127.0.0.1' ? 0 : 1))" "$name"; then
    fail "$name does not resolve to 127.0.0.1 here (no DNS?); add '127.0.0.1 localhost.localstack.cloud s3.localhost.localstack.cloud' to /etc/hosts"
  fi
done

# The function jars the app deploys: built by Maven (the CDK app says which one is missing otherwise).
if ! ls "$root"/functions/inference/target/flywheel-inference-function*.jar >/dev/null 2>&1; then
  echo "Building the function jars (mvn -B -q -DskipTests package)..." >&2
  (cd "$root" && mvn -B -q -DskipTests package)
fi
if [ ! -x "$root/infra-cdk/node_modules/.bin/cdklocal" ]; then
  echo "Installing the pinned CDK CLI and cdklocal (npm ci in infra-cdk)..." >&2
  (cd "$root/infra-cdk" && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$out"
outputs="$out/cdk-outputs.json"
env_file="$out/flywheel-localstack.env"
rm -f "$outputs" "$env_file"

# LocalStack accepts any credentials; account 000000000000. cdklocal drops other AWS_* variables unless allowed.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENVAR_ALLOWLIST=AWS_REGION,AWS_DEFAULT_REGION,AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY
export EDGE_PORT="$port" CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
cdklocal="$root/infra-cdk/node_modules/.bin/cdklocal"

cd "$root/infra-cdk"
echo "Bootstrapping the CDK in LocalStack ($endpoint)..." >&2
"$cdklocal" bootstrap aws://000000000000/us-east-1 --no-notices >&2
echo "Deploying Flywheel (stage $stage) to LocalStack..." >&2
# tableDeletionProtection off: a LocalStack stack is thrown away with its container.
"$cdklocal" deploy --all --require-approval never --no-notices --outputs-file "$outputs" \
  -c stage="$stage" -c tableDeletionProtection=false >&2

# The CLI's environment for this deployment. The API is called through LocalStack's path-style URL
# (<endpoint>/restapis/<id>/<stage>/_user_request_/), since the output's execute-api host does not resolve here.
node - "$outputs" "$endpoint" >"$env_file" <<'NODE'
const [outputsFile, endpoint] = process.argv.slice(2);
const stacks = JSON.parse(require('fs').readFileSync(outputsFile, 'utf8'));
const name = Object.keys(stacks).find((s) => stacks[s].TrainingStateMachineArn);
if (!name) { console.error(`no Flywheel stack in ${outputsFile}`); process.exit(1); }
const o = stacks[name];
const api = /^https?:\/\/([a-z0-9]+)\.execute-api\.[^/]+\/([^/]+)\/?$/.exec(o.ApiUrl || '');
if (!api) { console.error(`ApiUrl output '${o.ApiUrl}' is not an execute-api URL`); process.exit(1); }
const lines = {
  FLYWHEEL_MODE: 'aws',
  FLYWHEEL_AWS_ENDPOINT: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  FLYWHEEL_BUCKET: o.ArtifactBucketName,
  FLYWHEEL_TABLE: o.MetadataTableName,
  FLYWHEEL_TRAINING_STATE_MACHINE_ARN: o.TrainingStateMachineArn,
  FLYWHEEL_DRIFT_STATE_MACHINE_ARN: o.DriftMonitorStateMachineArn,
  FLYWHEEL_API_URL: `${endpoint}/restapis/${api[1]}/${api[2]}/_user_request_/`,
};
for (const [key, value] of Object.entries(lines)) {
  if (!value) { console.error(`output for ${key} is missing from ${outputsFile}`); process.exit(1); }
  console.log(`${key}=${value}`);
}
NODE

echo "Deployed. The CLI's settings for it are in $env_file:" >&2
sed 's/^/  /' "$env_file" >&2
echo "Use them with: set -a; . $env_file; set +a" >&2
