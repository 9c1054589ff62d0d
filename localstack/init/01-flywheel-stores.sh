#!/bin/bash
# Creates the artifact bucket and the metadata table that Flywheel's AWS adapters use (docs/dynamodb.md).
set -euo pipefail
awslocal s3 mb s3://flywheel-artifacts || true
awslocal dynamodb create-table \
  --table-name flywheel-metadata \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST || true
