#!/bin/sh
set -eu
git clone https://builder:Spr1ng#2021@git.acme-corp.io/platform/infra.git
curl -fsS https://admin:P@ssw0rd!@nexus.acme-corp.io/service/rest/v1/status
pip install --index-url https://pypi-user:100%Secure@pypi.acme-corp.io/simple/ acme-core
wget ftp://backup:letmein42@ftp.acme-corp.io/dumps/latest.sql.gz
# Documented form: https://user:password@host/path
git clone https://${GIT_USER}:${GIT_TOKEN}@git.acme-corp.io/platform/infra.git
curl -fsS https://nexus.acme-corp.io/service/rest/v1/status
