#!/usr/bin/env python3
"""Generate a deterministic corpus of realistic files with LABELLED fake secrets and
hard negatives, for measuring a secret scanner's recall and precision.

Usage:
    python3 corpus/gen_accuracy_corpus.py OUTDIR [--seed 1] [--files 600]

Writes about --files files under OUTDIR: configs (.env, YAML, JSON, TOML, INI,
.properties), code (Python, JavaScript/TypeScript, Go, Java, C#, Ruby, PHP,
shell, Terraform, Dockerfile), Kubernetes manifests, logs, Markdown docs, GCP
service-account key files and lock files (package-lock.json, yarn.lock, go.sum,
poetry.lock).  Into them it writes, in the place each format would hold them,

- fake secrets of every provider family (cloud, code hosting and CI,
  communication, payments, AI, observability, private keys, JWTs, connection
  strings, generic passwords and secrets), each value random and built to the
  provider's documented format (prefixes, lengths, alphabets, checksums where
  the provider documents one), and
- hard negatives: placeholders, documentation example keys, environment reads,
  UUIDs, git SHAs, digests, lock-file integrity hashes, CSS colours,
  identifiers, near-miss tokens, URLs without credentials, base64 images,
  publishable (public by design) keys.

Syntax files (family "generic-syntax") hold generic credentials in the forms
that simple `name = "value"` patterns miss (Go typed declarations, PHP .=,
Makefile ?= ::= :::=, XML values on the next line, YAML block scalars,
Terraform, Kotlin and Groovy, HTTP headers in curl, logs and Postman, curl -u,
command-line passwords, SQL, setters, C #define, PowerShell), beside the code
and documentation noise that name-based rules mistake for secrets (code
references, counting placeholders, published public sample values, CSRF and
public tokens, selectors, routes, labels).

The answer key is written last, as OUTDIR/../<basename OUTDIR>.labels.json:

    [{"path": "rel/to/OUTDIR", "line": 1-based, "family": "...",
      "provider": "...", "kind": "secret" | "hard-negative", "value": "..."}]

`line` is the line on which the value starts (a PEM block: its BEGIN line).  A GCP
service-account key file's label also has `span`: [first, last] line of the
file, since tools may report the key file as a whole, on its first line.
`value` is the credential itself: for a connection string, its password; for
an Azure connection string, its AccountKey; for a PEM block, the block as
written (with the file's escapes or indentation).  Filler text is built from
word lists without secret-like prefixes or secret-like names, so a finding on
an unlabelled line is a false positive.

Every value is random from the seed; none is a real credential.  Secret
prefixes are assembled from pieces in this file so that the repository itself
scans clean.  Python 3.11 standard library only; the same seed and arguments
give byte-identical output.  OUTDIR must not exist or be empty.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import random
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_source_corpus import CODE_WORDS, Gen  # noqa: E402  (shared word lists and atoms)

DIGITS = string.digits
HEX = "0123456789abcdef"
UPPER_ALNUM = string.ascii_uppercase + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase  # GitHub's checksum alphabet order
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
UPPER_B32 = string.ascii_uppercase + "234567"
PASSWORD_CHARS = string.ascii_letters + string.digits + "!%^*-_+=.~"

# Substrings that scanners (rightly) treat as placeholders: a random value must not
# contain one by chance, or a miss would be the generator's fault.
PLACEHOLDER_WORDS = ("example", "test", "fake", "dummy", "sample", "xxxx", "demo", "placeholder")

# Secret prefixes, assembled from pieces so this file holds no secret-shaped literal.
P = {
    "aws": "AK" + "IA", "aws_sts": "AS" + "IA", "gcp": "AI" + "za", "do": "dop" + "_v1_",
    "ghp": "gh" + "p_", "gho": "gh" + "o_", "ghfg": "github" + "_pat_", "glpat": "gl" + "pat-",
    "npm": "np" + "m_", "pypi": "py" + "pi-AgEIcHlwaS5vcmc", "docker": "dckr" + "_pat_",
    "vault": "hv" + "s.", "xoxb": "xo" + "xb-", "xoxp": "xo" + "xp-", "sg": "S" + "G.",
    "mailgun": "ke" + "y-", "sk_live": "sk" + "_live_", "rk_live": "rk" + "_live_",
    "pk_live": "pk" + "_live_", "square": "EA" + "AA", "square_secret": "sq0" + "csp-",
    "shpat": "sh" + "pat_", "openai": "sk" + "-proj-", "anthropic": "sk" + "-ant-api03-",
    "hf": "h" + "f_", "nrak": "NR" + "AK-", "sentry": "sntr" + "ys_", "glsa": "gl" + "sa_",
    "twilio_sk": "S" + "K", "jwt": "ey" + "J", "pem": "-----" + "BEGIN ", "pem_end": "-----" + "END ",
    "slack_hook": "https://hooks.slack.com/" + "services/",
    "discord_hook": "https://discord.com/api/" + "webhooks/",
}


def rs(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choices(alphabet, k=n))


def random_body(r: random.Random, alphabet: str, n: int) -> str:
    """A random string that contains no placeholder word by chance."""
    while True:
        s = rs(r, alphabet, n)
        if not any(w in s.lower() for w in PLACEHOLDER_WORDS):
            return s


def b62_encode(n: int, width: int) -> str:
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = B62[d] + out
    return out.rjust(width, "0")


def checksummed(r: random.Random, prefix: str) -> str:
    """GitHub and npm style: 30 random base62 characters and 6 of base62 CRC32."""
    body = random_body(r, B62, 30)
    return prefix + body + b62_encode(binascii.crc32(body.encode()), 6)


def b64url_json(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


# --------------------------------------------------------------------------
# Items: a labelled value and the names a file would give it.
# --------------------------------------------------------------------------

class Item:
    """One labelled value.  `text` is what is written after the name (a URL, a
    connection string, a token); `value` is the labelled part of it.  `pem` is a
    list of lines for a multi-line block.  `names` are candidate variable names
    (UPPER_SNAKE).  `style`: "assign" (NAME = text), "envread" (a read of NAME
    from the environment: the format decides the text), "bearer" (a header)."""

    def __init__(self, family, provider, kind, text, names, value=None, pem=None, style="assign"):
        self.family, self.provider, self.kind = family, provider, kind
        self.text, self.names, self.pem, self.style = text, names, pem, style
        self.value = text if value is None else value


def pem_block(r: random.Random, kind: str) -> list[str]:
    """A PEM block with a realistic header for its key type and random base64."""
    if kind == "rsa":
        label, head, n = "RSA PRIVATE KEY", r.choice(["MIIEpAIBAAKCAQEA", "MIIEowIBAAKCAQEA"]), 25
    elif kind == "ec":
        label, head, n = "EC PRIVATE KEY", "MHcCAQEEI", 3
    elif kind == "openssh":
        label, head, n = "OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 6
    else:  # PKCS#8
        label, head, n = "PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 25
    width = 70 if kind == "openssh" else 64
    body = head + random_body(r, B64, width * n - len(head) - r.randint(5, 40))
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    if kind == "ec":
        lines[-1] += "=="
    return [P["pem"] + label + "-----"] + lines + [P["pem_end"] + label + "-----"]


def password(r: random.Random, lo=14, hi=24) -> str:
    while True:
        s = random_body(r, PASSWORD_CHARS, r.randint(lo, hi))
        if any(c.isdigit() for c in s) and any(c.isupper() for c in s) and s[0].isalnum():
            return s


def jwt(r: random.Random) -> str:
    header = {"alg": r.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    now = 1_700_000_000 + r.randint(0, 40_000_000)
    payload = {"sub": str(r.randint(10_000, 9_999_999)), "iss": r.choice(["auth.internal", "https://login.acme.io"]),
               "iat": now, "exp": now + r.choice([900, 3600, 86400]), "scope": " ".join(r.sample(CODE_WORDS, 2))}
    sig = random_body(r, B64URL, 43 if header["alg"] == "HS256" else 342)
    return b64url_json(header) + "." + b64url_json(payload) + "." + sig


def sentry_token(r: random.Random) -> str:
    org = r.choice(CODE_WORDS) + "-" + r.choice(CODE_WORDS)
    claims = {"iat": round(1_690_000_000 + r.random() * 40_000_000, 6), "url": "https://sentry.io",
              "region_url": "https://us.sentry.io", "org": org}
    body = base64.b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode().rstrip("=")
    return P["sentry"] + body + "_" + random_body(r, string.ascii_letters + string.digits + "+/", 43)


def secret_item(r: random.Random, provider: str) -> list[Item]:
    """Fake secret(s) for `provider`: usually one item, a pair for key id + secret."""
    S = "secret"
    def one(family, text, names, **kw):
        return [Item(family, provider, S, text, names, **kw)]
    if provider == "aws-access-key":
        kid = r.choice([P["aws"], P["aws"], P["aws_sts"]]) + random_body(r, UPPER_B32, 16)
        sec = random_body(r, B64, 40)
        return [Item("cloud", "aws-access-key-id", S, kid, ["AWS_ACCESS_KEY_ID"]),
                Item("cloud", "aws-secret-access-key", S, sec, ["AWS_SECRET_ACCESS_KEY"])]
    if provider == "gcp-api-key":
        return one("cloud", P["gcp"] + random_body(r, B64URL, 35), ["GOOGLE_API_KEY", "MAPS_API_KEY", "FIREBASE_API_KEY"])
    if provider == "azure-storage-key":
        return one("cloud", random_body(r, B64, 86) + "==", ["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY"])
    if provider == "azure-connection-string":
        key = random_body(r, B64, 86) + "=="
        acct = r.choice(CODE_WORDS) + r.choice(CODE_WORDS) + str(r.randint(1, 99))
        text = (f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};"
                "EndpointSuffix=core.windows.net")
        return one("cloud", text, ["AZURE_STORAGE_CONNECTION_STRING", "STORAGE_CONNECTION_STRING"], value=key)
    if provider == "digitalocean-token":
        return one("cloud", P["do"] + rs(r, HEX, 64), ["DIGITALOCEAN_TOKEN", "DO_API_TOKEN"])
    if provider == "github-classic-pat":
        return one("code-hosting", checksummed(r, P["ghp"]), ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"])
    if provider == "github-fine-grained-pat":
        text = P["ghfg"] + random_body(r, string.ascii_letters + DIGITS, 22) + "_" + random_body(r, string.ascii_letters + DIGITS, 59)
        return one("code-hosting", text, ["GITHUB_TOKEN", "GH_PAT"])
    if provider == "github-oauth-token":
        return one("code-hosting", checksummed(r, P["gho"]), ["GITHUB_OAUTH_TOKEN", "GH_OAUTH_TOKEN"])
    if provider == "gitlab-pat":
        return one("code-hosting", P["glpat"] + random_body(r, B64URL, 20), ["GITLAB_TOKEN", "CI_JOB_API_TOKEN", "GL_TOKEN"])
    if provider == "npm-token":
        return one("code-hosting", checksummed(r, P["npm"]), ["NPM_TOKEN", "NODE_AUTH_TOKEN"])
    if provider == "pypi-token":
        return one("code-hosting", P["pypi"] + "CJ" + random_body(r, B64URL, r.randint(150, 190)), ["PYPI_TOKEN", "TWINE_PASSWORD"])
    if provider == "dockerhub-pat":
        return one("code-hosting", P["docker"] + random_body(r, B64URL, 27), ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"])
    if provider == "vault-token":
        body = "CAESI" + random_body(r, B64URL, 86) if r.random() < 0.7 else random_body(r, string.ascii_letters + DIGITS, 24)
        return one("code-hosting", P["vault"] + body, ["VAULT_TOKEN"])
    if provider == "slack-bot-token":
        text = P["xoxb"] + rs(r, DIGITS, r.randint(10, 13)) + "-" + rs(r, DIGITS, r.randint(10, 13)) + "-" + random_body(r, string.ascii_letters + DIGITS, 24)
        return one("communication", text, ["SLACK_BOT_TOKEN", "SLACK_TOKEN"])
    if provider == "slack-user-token":
        text = P["xoxp"] + "-".join(rs(r, DIGITS, r.randint(10, 13)) for _ in range(3)) + "-" + rs(r, HEX, 32)
        return one("communication", text, ["SLACK_USER_TOKEN"])
    if provider == "slack-webhook":
        text = (P["slack_hook"] + "T" + rs(r, UPPER_ALNUM, r.randint(8, 10)) + "/B" + rs(r, UPPER_ALNUM, r.randint(8, 10))
                + "/" + random_body(r, string.ascii_letters + DIGITS, 24))
        return one("communication", text, ["SLACK_WEBHOOK_URL", "ALERTS_WEBHOOK"])
    if provider == "discord-webhook":
        text = P["discord_hook"] + rs(r, DIGITS, r.randint(18, 19)) + "/" + random_body(r, B64URL, 68)
        return one("communication", text, ["DISCORD_WEBHOOK_URL"])
    if provider == "telegram-bot-token":
        text = str(r.randint(10 ** 8, 10 ** 10 - 1)) + ":AA" + random_body(r, B64URL, 33)
        return one("communication", text, ["TELEGRAM_BOT_TOKEN", "TG_BOT_TOKEN"])
    if provider == "sendgrid-api-key":
        return one("communication", P["sg"] + random_body(r, B64URL, 22) + "." + random_body(r, B64URL, 43), ["SENDGRID_API_KEY"])
    if provider == "twilio-auth-token":
        return one("communication", rs(r, HEX, 32), ["TWILIO_AUTH_TOKEN"])
    if provider == "twilio-api-key":
        return [Item("communication", "twilio-api-key", S, P["twilio_sk"] + rs(r, HEX, 32), ["TWILIO_API_KEY"]),
                Item("communication", "twilio-api-secret", S, random_body(r, string.ascii_letters + DIGITS, 32), ["TWILIO_API_SECRET"])]
    if provider == "mailgun-api-key":
        return one("communication", P["mailgun"] + rs(r, HEX, 32), ["MAILGUN_API_KEY"])
    if provider == "stripe-secret-key":
        body = random_body(r, string.ascii_letters + DIGITS, 24) if r.random() < 0.5 else "51" + random_body(r, string.ascii_letters + DIGITS, 97)
        return one("payments", P["sk_live"] + body, ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"])
    if provider == "stripe-restricted-key":
        body = random_body(r, string.ascii_letters + DIGITS, 24) if r.random() < 0.5 else "51" + random_body(r, string.ascii_letters + DIGITS, 97)
        return one("payments", P["rk_live"] + body, ["STRIPE_RESTRICTED_KEY"])
    if provider == "square-access-token":
        if r.random() < 0.7:
            return one("payments", P["square"] + random_body(r, B64URL, 60), ["SQUARE_ACCESS_TOKEN"])
        return one("payments", P["square_secret"] + random_body(r, B64URL, 43), ["SQUARE_APPLICATION_SECRET"])
    if provider == "shopify-access-token":
        return one("payments", P["shpat"] + rs(r, HEX, 32), ["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_ADMIN_TOKEN"])
    if provider == "openai-api-key":
        return one("ai", P["openai"] + random_body(r, B64URL, 74) + "T3BlbkFJ" + random_body(r, B64URL, 74), ["OPENAI_API_KEY"])
    if provider == "anthropic-api-key":
        return one("ai", P["anthropic"] + random_body(r, B64URL, 93) + "AA", ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"])
    if provider == "huggingface-token":
        return one("ai", P["hf"] + random_body(r, string.ascii_letters, 34), ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"])
    if provider == "datadog-api-key":
        return one("observability", rs(r, HEX, 32), ["DD_API_KEY", "DATADOG_API_KEY"])
    if provider == "datadog-app-key":
        return one("observability", rs(r, HEX, 40), ["DD_APP_KEY", "DATADOG_APP_KEY"])
    if provider == "newrelic-user-key":
        return one("observability", P["nrak"] + random_body(r, UPPER_ALNUM, 27), ["NEW_RELIC_API_KEY", "NEWRELIC_USER_KEY"])
    if provider == "sentry-org-token":
        return one("observability", sentry_token(r), ["SENTRY_AUTH_TOKEN"])
    if provider == "grafana-service-account-token":
        body = P["glsa"] + random_body(r, string.ascii_letters + DIGITS, 32)
        return one("observability", body + "_" + "%08x" % binascii.crc32(body.encode()), ["GRAFANA_TOKEN", "GRAFANA_SA_TOKEN"])
    if provider in ("rsa-private-key", "openssh-private-key", "ec-private-key", "pkcs8-private-key"):
        block = pem_block(r, provider.split("-")[0])
        return one("private-key", "\n".join(block), ["TLS_PRIVATE_KEY", "SSH_PRIVATE_KEY", "SIGNING_KEY", "DEPLOY_KEY"], pem=block)
    if provider == "jwt":
        return one("jwt", jwt(r), ["AUTH_TOKEN", "SERVICE_JWT", "ID_TOKEN"])
    if provider.endswith("-uri"):
        pw = password(r, 12, 24).replace("%", "").replace("+", "")
        user = r.choice(["app", "svc", "etl", "admin", "report", "billing"]) + "_" + r.choice(CODE_WORDS)
        scheme, host = {
            "postgres-uri": (r.choice(["postgres", "postgresql"]), f"db-{r.randint(1, 9)}.prod.internal:5432/{r.choice(CODE_WORDS)}"),
            "mysql-uri": ("mysql", f"mysql-{r.randint(1, 9)}.internal:3306/{r.choice(CODE_WORDS)}"),
            "mongodb-uri": ("mongodb+srv", f"cluster{r.randint(0, 9)}.{rs(r, 'abcdefghijklmnopqrstuvwxyz0123456789', 5)}.mongodb.net/{r.choice(CODE_WORDS)}?retryWrites=true&w=majority"),
            "redis-uri": (r.choice(["redis", "rediss"]), f"cache-{r.randint(1, 9)}.internal:6379/0"),
        }[provider]
        if provider == "redis-uri" and r.random() < 0.5:
            user = "default"
        names = {"postgres-uri": ["DATABASE_URL", "POSTGRES_URL"], "mysql-uri": ["DATABASE_URL", "MYSQL_URL"],
                 "mongodb-uri": ["MONGODB_URI", "MONGO_URL"], "redis-uri": ["REDIS_URL", "CACHE_URL"]}[provider]
        return one("connection-string", f"{scheme}://{user}:{pw}@{host}", names, value=pw)
    if provider == "generic-password":
        return one("generic", password(r), ["DB_PASSWORD", "ADMIN_PASSWORD", "SMTP_PASSWORD", "REDIS_PASSWORD", "LDAP_BIND_PASSWORD"])
    if provider == "generic-secret":
        v = rs(r, HEX, 64) if r.random() < 0.4 else random_body(r, string.ascii_letters + DIGITS, r.randint(32, 50))
        return one("generic", v, ["SECRET_KEY", "CLIENT_SECRET", "APP_SECRET", "SESSION_SECRET", "WEBHOOK_SIGNING_SECRET"])
    if provider == "generic-api-key":
        return one("generic", random_body(r, string.ascii_letters + DIGITS, r.randint(32, 40)), ["PARTNER_API_KEY", "VENDOR_API_KEY", "GEOCODER_API_KEY"])
    raise ValueError(provider)


SECRET_PROVIDERS = [
    "aws-access-key", "gcp-api-key", "azure-storage-key", "azure-connection-string", "digitalocean-token",
    "github-classic-pat", "github-fine-grained-pat", "github-oauth-token", "gitlab-pat", "npm-token",
    "pypi-token", "dockerhub-pat", "vault-token",
    "slack-bot-token", "slack-user-token", "slack-webhook", "discord-webhook", "telegram-bot-token",
    "sendgrid-api-key", "twilio-auth-token", "twilio-api-key", "mailgun-api-key",
    "stripe-secret-key", "stripe-restricted-key", "square-access-token", "shopify-access-token",
    "openai-api-key", "anthropic-api-key", "huggingface-token",
    "datadog-api-key", "datadog-app-key", "newrelic-user-key", "sentry-org-token", "grafana-service-account-token",
    "rsa-private-key", "openssh-private-key", "ec-private-key", "pkcs8-private-key",
    "jwt", "postgres-uri", "mysql-uri", "mongodb-uri", "redis-uri",
    "generic-password", "generic-secret", "generic-api-key",
]
# The GCP service-account key file is a file of its own (see write_service_account).

NEUTRAL_NAMES = ["FIXTURE_REF", "BUILD_TAG", "OBJECT_REF", "TRACE_LABEL", "CACHE_BUSTER", "ROW_MARKER"]


def near_miss(r: random.Random) -> tuple[str, str]:
    """A token one character short of, or with a wrong prefix for, a known format."""
    c = r.randrange(10)
    if c == 0:
        return "cloud", P["aws"] + random_body(r, UPPER_B32, 15)
    if c == 1:
        return "cloud", "AK" + "IB" + random_body(r, UPPER_B32, 16)
    if c == 2:
        return "code-hosting", P["ghp"] + random_body(r, B62, 35)
    if c == 3:
        return "code-hosting", "gh" + "z_" + random_body(r, B62, 36)
    if c == 4:
        return "code-hosting", P["glpat"] + random_body(r, B64URL, 19)
    if c == 5:
        return "communication", "xo" + "xq-" + rs(r, DIGITS, 11) + "-" + rs(r, DIGITS, 12) + "-" + random_body(r, B62, 24)
    if c == 6:
        return "payments", "sk" + "_lve_" + random_body(r, B62, 24)
    if c == 7:
        return "ai", "h" + "f-" + random_body(r, string.ascii_letters, 34)
    if c == 8:
        return "code-hosting", P["npm"] + random_body(r, B62, 35)
    return "payments", P["shpat"] + rs(r, HEX, 31)


def png_data_uri(r: random.Random) -> str:
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + r.randbytes(r.randint(60, 200))
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def hard_negative_items(r: random.Random, g: Gen, provider: str) -> list[Item]:
    H = "hard-negative"
    def one(family, text, names, **kw):
        return [Item(family, provider, H, text, names, **kw)]
    if provider == "placeholder":
        text = r.choice(["your_api_key_here", "${API_KEY}", "<token>", "xxxxxxxxxxxxxxxx", "changeme",
                         "REPLACE_ME", "<your-password>", "{{ .Values.apiKey }}", "********", "TODO",
                         "${{ secrets.DEPLOY_TOKEN }}", "%(secret)s", "insert-token-here"])
        return one("generic", text, ["API_KEY", "PASSWORD", "AUTH_TOKEN", "CLIENT_SECRET", "DB_PASSWORD"])
    if provider == "provider-placeholder":
        fam, text = r.choice([
            ("code-hosting", P["ghp"] + "x" * 36), ("code-hosting", P["glpat"] + "x" * 20),
            ("ai", P["openai"] + "..."), ("ai", P["anthropic"] + "XXXXXXXX"),
            ("payments", P["sk_live"] + "your_key_here"), ("communication", P["xoxb"] + "your-bot-token"),
            ("cloud", P["aws"] + "XXXXXXXXXXXXXXXX"),
        ])
        return one(fam, text, ["GITHUB_TOKEN", "API_KEY", "SECRET_KEY"])
    if provider == "doc-example":
        # AWS's own documentation pair; the secret half is split so this file scans clean.
        kid = P["aws"] + "IOSFODNN7" + "EXAMPLE"
        sec = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
        return [Item("cloud", provider, H, kid, ["AWS_ACCESS_KEY_ID"]),
                Item("cloud", provider, H, sec, ["AWS_SECRET_ACCESS_KEY"])]
    if provider == "connection-placeholder":
        text = r.choice(["postgres" + "://user:password@localhost:5432/app", "mysql://root:${MYSQL_PASSWORD}@db:3306/app",
                         "mongodb://<username>:<password>@cluster0.mongodb.net/app", "redis://:${REDIS_PASSWORD}@cache:6379/0",
                         "postgresql" + "://app:changeme@localhost/app_dev"])
        return one("connection-string", text, ["DATABASE_URL", "MONGODB_URI", "REDIS_URL"])
    if provider == "env-read":
        return one("generic", "", ["API_KEY", "GITHUB_TOKEN", "STRIPE_SECRET_KEY", "DB_PASSWORD", "OPENAI_API_KEY"], style="envread")
    if provider == "uuid":
        return one("generic", g.uuid(), ["TENANT_ID", "REQUEST_ID", "INSTALLATION_ID", "CORRELATION_ID"])
    if provider == "git-sha":
        return one("generic", rs(r, HEX, 40), ["GIT_COMMIT", "SOURCE_REVISION", "BASE_SHA"])
    if provider == "sha256-digest":
        text = r.choice(["", "sha256:"]) + rs(r, HEX, 64)
        return one("generic", text, ["CHECKSUM", "SHA256", "IMAGE_DIGEST", "ARTIFACT_HASH"])
    if provider == "css-colour":
        return one("generic", "#" + rs(r, HEX, r.choice([6, 6, 8])), ["PRIMARY_COLOR", "ACCENT_COLOR", "BORDER_COLOUR"])
    if provider == "identifier":
        name, text = r.choice([
            ("TOKEN_HEADER", "X-Access-Token"), ("SECRET_KEY_ENV", "DJANGO_SECRET_KEY"),
            ("PASSWORD_FIELD", "password_confirmation"), ("API_KEY_PARAM", "api_key"),
            ("TOKEN_TYPE", "refresh_token"), ("SECRET_NAME", "prod/billing/stripe-webhook"),
            ("AUTH_SCHEME", "Bearer"), ("PASSWORD_MIN_LENGTH", "12"),
            ("TOKEN_ENDPOINT", "/oauth2/v1/token"), ("CREDENTIALS_PROVIDER", "AwsCredentialsProviderChain"),
        ])
        return one("generic", text, [name])
    if provider == "near-miss":
        fam, text = near_miss(r)
        return one(fam, text, NEUTRAL_NAMES)
    if provider == "publishable-key":
        return one("payments", P["pk_live"] + random_body(r, string.ascii_letters + DIGITS, 24), ["STRIPE_PUBLISHABLE_KEY"])
    if provider == "url":
        text = r.choice([g.url(), "postgres://app@db.internal:5432/app", "redis://localhost:6379/0",
                         "https://api.github.com/repos/acme/" + r.choice(CODE_WORDS), "https://hooks.slack.com/",
                         "mongodb://mongo-0.mongo.svc.cluster.local:27017/?replicaSet=rs0"])
        return one("generic", text, ["SERVICE_URL", "DATABASE_URL", "UPSTREAM_URL", "CALLBACK_URL"])
    if provider == "base64-image":
        return one("generic", png_data_uri(r), ["PLACEHOLDER_IMAGE", "LOGO_DATA_URI"])
    raise ValueError(provider)


NEGATIVE_PROVIDERS = ["placeholder", "provider-placeholder", "doc-example", "connection-placeholder", "env-read",
                      "uuid", "git-sha", "sha256-digest", "css-colour", "identifier", "near-miss",
                      "publishable-key", "url", "base64-image"]


# --------------------------------------------------------------------------
# Formats: how each kind of file writes a name = value, a PEM block, filler.
# --------------------------------------------------------------------------

def lower(name: str) -> str:
    return name.lower()


def camel(name: str) -> str:
    parts = name.lower().split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def pascal(name: str) -> str:
    return "".join(p.capitalize() for p in name.lower().split("_"))


def escaped(pem: list[str]) -> str:
    return "\\n".join(pem) + "\\n"


ENV_READS = {
    "py": lambda n: f'os.environ["{n}"]', "js": lambda n: f"process.env.{n}", "ts": lambda n: f"process.env.{n}",
    "go": lambda n: f'os.Getenv("{n}")', "java": lambda n: f'System.getenv("{n}")',
    "cs": lambda n: f'Environment.GetEnvironmentVariable("{n}")', "rb": lambda n: f'ENV["{n}"]',
    "php": lambda n: f"getenv('{n}')", "sh": lambda n: "${" + n + "}", "tf": lambda n: f"var.{lower(n)}",
}


BEARER_CHARS = set(string.ascii_letters + string.digits + "-._~+/=")


def bearer_like(text: str) -> bool:
    """Whether a value could plausibly be sent as a bearer token: RFC 6750's token characters,
    not a URL or a phrase."""
    return set(text) <= BEARER_CHARS and "/" not in text


class Format:
    """A file kind.  assign() returns (lines, index of the line holding the value)."""
    name = ""
    comment = "#"

    def __init__(self, r: random.Random, g: Gen):
        self.r, self.g = r, g
        self.kind = "secret"  # the kind of the item being written: "secret" or "hard-negative"

    def header(self, path: str) -> list[str]:
        return []

    def footer(self) -> list[str]:
        return []

    def assign(self, name: str, text: str) -> tuple[list[str], int]:
        raise NotImplementedError

    def assign_pem(self, name: str, pem: list[str]) -> tuple[list[str], int, str]:
        """Default: one line with \\n escapes.  Returns lines, value line, labelled value."""
        lines, i = self.assign(name, escaped(pem))
        return lines, i, escaped(pem)

    def envread(self, name: str) -> tuple[list[str], int, str]:
        expr = "${" + name + "}"
        lines, i = self.assign(name, expr)
        return lines, i, expr

    def filler(self) -> list[str]:
        g = self.g
        return [f"{self.comment} {g.sentence(4, 12)}"] + [self.assign(g.upper(1, 3), self.benign())[0][0]
                                                         for _ in range(self.r.randint(2, 6))]

    def benign(self) -> str:
        g, r = self.g, self.r
        c = r.random()
        if c < 0.3:
            return str(r.randint(0, 65535))
        if c < 0.5:
            return r.choice(["true", "false", "info", "debug", "eu-west-1", "us-east-1", "json", "utf-8"])
        if c < 0.75:
            return r.choice(["https://", "http://"]) + r.choice(["example.com", "internal.example", "localhost:8080"]) + "/" + g.w()
        return g.snake(1, 2)


class Env(Format):
    def assign(self, name, text):
        q = '"' if (" " in text or self.r.random() < 0.3) else ""
        return [f"{name}={q}{text}{q}"], 0

    def assign_pem(self, name, pem):
        return [f'{name}="{escaped(pem)}"'], 0, escaped(pem)


class Yaml(Format):
    def header(self, path):
        return [f"# {os.path.basename(path)}: {self.g.sentence(3, 8)}", f"{self.g.w()}:"]

    def assign(self, name, text):
        q = '"' if (self.r.random() < 0.4 or text.startswith(("{", "*", "%", "<", "#", "$"))) else ""
        return [f"  {lower(name)}: {q}{text}{q}"], 0

    def assign_pem(self, name, pem):
        return [f"  {lower(name)}: |"] + ["    " + ln for ln in pem], 1, "\n".join("    " + ln for ln in pem).strip()

    def filler(self):
        g = self.g
        out = [f"  # {g.sentence(4, 10)}", f"  {g.snake(1, 2)}:"]
        out += [f"    {g.snake(1, 2)}: {self.benign()}" for _ in range(self.r.randint(2, 5))]
        return out


class Json(Format):
    def header(self, path):
        return ["{", f'  "name": "{self.g.snake(1, 2)}",']

    def footer(self):
        return [f'  "version": {self.r.randint(1, 9)}', "}"]

    def assign(self, name, text):
        return [f'  "{camel(name)}": {json.dumps(text)},'], 0

    def assign_pem(self, name, pem):
        return [f'  "{camel(name)}": "{escaped(pem)}",'], 0, escaped(pem)

    def filler(self):
        g = self.g
        out = [f'  "{g.camel(1, 2)}": {{']
        out += [f'    "{g.camel(1, 2)}": {json.dumps(self.benign())},' for _ in range(self.r.randint(1, 4))]
        out += [f'    "{g.camel(1, 1)}Enabled": {self.r.choice(["true", "false"])}', "  },"]
        return out


class Toml(Format):
    def header(self, path):
        return [f"# {os.path.basename(path)}", f'title = "{self.g.snake(1, 2)}"', "", f"[{self.g.w()}]"]

    def assign(self, name, text):
        return [f"{lower(name)} = {json.dumps(text)}"], 0

    def assign_pem(self, name, pem):
        return [f'{lower(name)} = """'] + pem + ['"""'], 1, "\n".join(pem)

    def filler(self):
        return ["", f"[{self.g.w()}.{self.g.w()}]"] + [f"{self.g.snake(1, 2)} = {json.dumps(self.benign())}"
                                                      for _ in range(self.r.randint(2, 5))]


class Ini(Format):
    comment = ";"

    def header(self, path):
        return [f"; {self.g.sentence(3, 8)}", f"[{self.g.w()}]"]

    def assign(self, name, text):
        return [f"{lower(name)} = {text}"], 0

    def filler(self):
        return ["", f"[{self.g.w()}]"] + [f"{self.g.snake(1, 2)} = {self.benign()}" for _ in range(self.r.randint(2, 5))]


class Properties(Format):
    def assign(self, name, text):
        return [f"{lower(name).replace('_', '.')}={text}"], 0

    def filler(self):
        return [f"# {self.g.sentence(4, 10)}"] + [f"{self.g.w()}.{self.g.snake(1, 2).replace('_', '.')}={self.benign()}"
                                                 for _ in range(self.r.randint(2, 5))]


class Python(Format):
    def header(self, path):
        return [f'"""{self.g.sentence()}"""', "", "import logging", "import os", "",
                "log = logging.getLogger(__name__)", ""]

    def assign(self, name, text):
        if self.r.random() < 0.3:
            return [f"client = {self.g.pascal(1, 2)}Client({lower(name)}={json.dumps(text)})"], 0
        return [f"{name} = {json.dumps(text)}"], 0

    def assign_pem(self, name, pem):
        return [f'{name} = """'] + pem + ['"""'], 1, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["py"](name)
        return [f"{name} = {expr}"], 0, expr

    def filler(self):
        g = self.g
        out = [f"def {g.snake(2, 3)}({g.snake(1, 1)}, {g.snake(1, 1)}=None):", f'    """{g.sentence(5, 12)}"""']
        out += [f"    {g.snake(1, 2)} = {g.snake(1, 1)}.get({json.dumps(g.w())}, {g.num()})" for _ in range(self.r.randint(1, 4))]
        out += [f"    log.info({json.dumps(g.sentence(3, 6))})", f"    return {g.snake(1, 1)}", "", ""]
        return out


class JavaScript(Format):
    comment = "//"

    def __init__(self, r, g, ts=False):
        super().__init__(r, g)
        self.ts = ts

    def header(self, path):
        return [f"// {os.path.basename(path)}: {self.g.sentence(4, 9)}", f"import {{ {self.g.camel(1, 2)} }} from './{self.g.w()}';", ""]

    def assign(self, name, text):
        q = self.r.choice(["'", '"', "`"])
        t = ": string" if self.ts else ""
        if self.r.random() < 0.3:
            return [f"  {camel(name)}: {q}{text}{q},"], 0
        return [f"const {camel(name)}{t} = {q}{text}{q};"], 0

    def assign_pem(self, name, pem):
        return [f"const {camel(name)} = `"] + pem + ["`;"], 1, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["js"](name)
        return [f"const {camel(name)} = {expr};"], 0, expr

    def filler(self):
        g = self.g
        out = [f"export function {g.camel(2, 3)}({g.camel(1, 1)}) {{"]
        out += [f"  const {g.camel(1, 2)} = {g.camel(1, 1)}.{g.camel(1, 1)}({g.num()});" for _ in range(self.r.randint(1, 4))]
        out += [f"  // {g.sentence(3, 8)}", f"  return {g.camel(1, 1)};", "}", ""]
        return out


class Go(Format):
    comment = "//"

    def header(self, path):
        return [f"package {self.g.w()}", "", "import (", '\t"fmt"', '\t"os"', ")", ""]

    def assign(self, name, text):
        return [f"const {camel(name)} = {json.dumps(text)}"], 0

    def assign_pem(self, name, pem):
        return [f"var {camel(name)} = `"] + pem + ["`"], 1, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["go"](name)
        return [f"var {camel(name)} = {expr}"], 0, expr

    def filler(self):
        g = self.g
        out = [f"// {pascal(g.snake(2, 2))} {g.sentence(3, 8).lower()}", f"func {pascal(g.snake(2, 2))}({g.w()} int) error {{"]
        out += [f'\tfmt.Println("{g.sentence(2, 5)[:-1]}", {g.w()})' for _ in range(self.r.randint(1, 3))]
        out += ["\treturn nil", "}", ""]
        return out


class Java(Format):
    comment = "//"

    def header(self, path):
        stem = os.path.splitext(os.path.basename(path))[0]
        return [f"package com.acme.{self.g.w()};", "", f"public class {stem} {{", ""]

    def footer(self):
        return ["}"]

    def assign(self, name, text):
        return [f"    private static final String {name} = {json.dumps(text)};"], 0

    def assign_pem(self, name, pem):
        return [f'    private static final String {name} = """'] + ["        " + ln for ln in pem] + ['        """;'], 1, \
            "\n".join("        " + ln for ln in pem).strip()

    def envread(self, name):
        expr = ENV_READS["java"](name)
        return [f"    private static final String {name} = {expr};"], 0, expr

    def filler(self):
        g = self.g
        out = [f"    /** {g.sentence(4, 10)} */", f"    public int {g.camel(2, 3)}(int {g.w()}) {{"]
        out += [f"        int {g.camel(1, 2)} = {g.w()} * {self.r.randint(2, 99)};" for _ in range(self.r.randint(1, 3))]
        out += [f"        return {g.w()};", "    }", ""]
        return out


class CSharp(Format):
    comment = "//"

    def header(self, path):
        return ["using System;", "", f"namespace Acme.{pascal(self.g.w())}", "{", f"    public static class {pascal(self.g.snake(1, 2))}", "    {"]

    def footer(self):
        return ["    }", "}"]

    def assign(self, name, text):
        return [f"        public const string {pascal(name)} = {json.dumps(text)};"], 0

    def assign_pem(self, name, pem):
        return [f'        public const string {pascal(name)} = @"' + pem[0]] + pem[1:-1] + [pem[-1] + '";'], 0, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["cs"](name)
        return [f"        public static readonly string {pascal(name)} = {expr};"], 0, expr

    def filler(self):
        g = self.g
        return [f"        // {g.sentence(4, 10)}", f"        public static int {pascal(g.snake(2, 2))}(int {g.w()})", "        {",
                f"            return {g.w()} + {self.r.randint(1, 99)};", "        }", ""]


class Ruby(Format):
    def assign(self, name, text):
        if self.r.random() < 0.4:
            return [f"  config.{lower(name)} = {json.dumps(text)}"], 0
        return [f"{name} = '{text}'"], 0

    def assign_pem(self, name, pem):
        return [f"{name} = <<~PEM"] + ["  " + ln for ln in pem] + ["PEM"], 1, "\n".join("  " + ln for ln in pem).strip()

    def envread(self, name):
        expr = ENV_READS["rb"](name)
        return [f"{name} = {expr}"], 0, expr

    def filler(self):
        g = self.g
        return [f"# {g.sentence(4, 10)}", f"def {g.snake(2, 3)}({g.w()})"] + \
            [f"  {g.snake(1, 2)} = {g.w()}.{g.snake(1, 1)}({g.num()})" for _ in range(self.r.randint(1, 3))] + ["end", ""]


class Php(Format):
    comment = "//"

    def header(self, path):
        return ["<?php", "", f"namespace App\\{pascal(self.g.w())};", ""]

    def assign(self, name, text):
        if self.r.random() < 0.5:
            return [f"define('{name}', '{text}');"], 0
        return [f"    '{lower(name)}' => '{text}',"], 0

    def assign_pem(self, name, pem):
        return [f"${camel(name)} = <<<PEM"] + pem + ["PEM;"], 1, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["php"](name)
        return [f"${camel(name)} = {expr};"], 0, expr

    def filler(self):
        g = self.g
        return [f"// {g.sentence(4, 10)}", f"function {g.snake(2, 3)}(${g.w()})", "{",
                f"    return ${g.w()} * {self.r.randint(2, 99)};", "}", ""]


class Shell(Format):
    def header(self, path):
        return ["#!/usr/bin/env bash", "set -euo pipefail", ""]

    def assign(self, name, text):
        return [f"export {name}=\"{text}\""], 0

    def assign_pem(self, name, pem):
        return [f"cat > /tmp/{lower(name)}.pem <<'EOF'"] + pem + ["EOF"], 1, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["sh"](name)
        return [f'curl -fsS -H "X-Api-Key: {expr}" "$ENDPOINT"'], 0, expr

    def filler(self):
        g = self.g
        return [f"# {g.sentence(4, 10)}", f"{g.snake(1, 2)}() {{", f'  echo "{g.sentence(2, 6)}"',
                f"  {self.r.choice(['mkdir -p', 'ls -la', 'rm -rf', 'chmod 0755'])} \"$1/{g.w()}\"", "}", ""]


class Terraform(Format):
    def header(self, path):
        return [f'provider "{self.r.choice(["aws", "google", "azurerm", "kubernetes"])}" {{',
                f'  region = "{self.r.choice(["eu-west-1", "us-east-1"])}"', "}", ""]

    def assign(self, name, text):
        return [f'resource "kubernetes_secret" "{self.g.w()}" {{', "  data = {", f'    {lower(name)} = "{text}"', "  }", "}"], 2

    def assign_pem(self, name, pem):
        return [f"variable \"{lower(name)}\" {{", "  default = <<EOT"] + pem + ["EOT", "}"], 2, "\n".join(pem)

    def envread(self, name):
        expr = ENV_READS["tf"](name)
        return [f'locals {{ {lower(name)} = {expr} }}'], 0, expr

    def filler(self):
        g = self.g
        return [f"# {g.sentence(4, 10)}", f'resource "aws_s3_bucket" "{g.snake(1, 2)}" {{', f'  bucket = "{g.w()}-{g.w()}"',
                f"  tags = {{ team = \"{g.w()}\" }}", "}", ""]


class Dockerfile(Format):
    def header(self, path):
        return [f"FROM {self.r.choice(['python:3.11-slim', 'node:20-alpine', 'golang:1.22'])}", "WORKDIR /app"]

    def assign(self, name, text):
        return [f"{self.r.choice(['ENV', 'ARG'])} {name}={text}"], 0

    def filler(self):
        g = self.g
        return [f"# {g.sentence(4, 10)}", f"COPY {g.w()}/ /app/{g.w()}/", f"RUN {g.w()} --{g.w()} {g.num()}"]


class Kubernetes(Format):
    def header(self, path):
        return ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {self.g.w()}-{self.g.w()}", "type: Opaque", "stringData:"]

    def assign(self, name, text):
        return [f"  {lower(name).replace('_', '-')}: \"{text}\""], 0

    def assign_pem(self, name, pem):
        return [f"  {lower(name).replace('_', '-')}.pem: |"] + ["    " + ln for ln in pem], 1, "\n".join("    " + ln for ln in pem).strip()

    def filler(self):
        return [f"  {self.g.w()}-{self.g.w()}: \"{self.benign()}\""]


class Deployment(Format):
    """A Deployment whose container env holds the values (value on the next line)."""

    def header(self, path):
        n = f"{self.g.w()}-{self.g.w()}"
        return ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {n}", "spec:", "  template:", "    spec:",
                "      containers:", f"        - name: {n}", f"          image: registry.example.com/{n}:1.{self.r.randint(0, 40)}", "          env:"]

    def assign(self, name, text):
        return [f"            - name: {name}", f"              value: \"{text}\""], 1

    def assign_pem(self, name, pem):
        return [f"            - name: {name}", "              value: |"] + ["                " + ln for ln in pem], 2, \
            "\n".join("                " + ln for ln in pem).strip()

    def filler(self):
        return [f"            - name: {self.g.upper(1, 2)}", f"              value: \"{self.benign()}\""]


class Log(Format):
    def line(self, level, text):
        return f"{self.g.ts()} {level} [{self.g.w()}-{self.g.w()}] {text}"

    def assign(self, name, text):
        # Whatever is sent in an Authorization header is a credential, so only secrets go there.
        c = self.r.random()
        if c < 0.4 or not bearer_like(text) or self.kind != "secret":
            return [self.line("DEBUG", f"loaded config {name}={text}")], 0
        if c < 0.7:
            return [self.line("INFO", f"request headers: {{\"Authorization\": \"Bearer {text}\"}}")], 0
        return [self.line("WARN", f"retrying with {lower(name)}={text} after timeout")], 0

    def assign_pem(self, name, pem):
        return [self.line("DEBUG", f"loaded {lower(name)}:")] + pem, 1, "\n".join(pem)

    def filler(self):
        return [self.line(self.r.choice(["INFO", "INFO", "DEBUG", "WARN"]), self.g.sentence(4, 14)) for _ in range(self.r.randint(2, 8))]


class Markdown(Format):
    def header(self, path):
        return [f"# {self.g.sentence(2, 5)[:-1]}", "", self.g.para(), ""]

    def assign(self, name, text):
        c = self.r.random()
        if c < 0.5:
            return ["```sh", f"export {name}={text}", "```"], 1
        if c < 0.75 or not bearer_like(text) or self.kind != "secret":
            return [f"Set `{name}` to `{text}` before running the service."], 0
        return ["```sh", f"curl -H \"Authorization: Bearer {text}\" https://api.example.com/v1/{self.g.w()}", "```"], 1

    def assign_pem(self, name, pem):
        return ["```"] + pem + ["```"], 1, "\n".join(pem)

    def filler(self):
        g = self.g
        if self.r.random() < 0.3:
            return [f"## {g.sentence(2, 5)[:-1]}", "", g.para(), ""]
        return [g.para(), ""]


# kind -> (format class / factory, filename choices, weight)
FORMATS = {
    "env": (Env, [".env", ".env.production", ".env.local", "config.env"], 8),
    "yaml": (Yaml, ["config.yaml", "settings.yml", "values.yaml", "app.yml"], 7),
    "json": (Json, ["config.json", "appsettings.json", "settings.json", "credentials.json"], 6),
    "toml": (Toml, ["config.toml", "settings.toml", "pyproject.toml"], 4),
    "ini": (Ini, ["config.ini", "settings.cfg", "app.ini"], 3),
    "properties": (Properties, ["application.properties", "gradle.properties"], 3),
    "py": (Python, ["{w}.py", "settings.py", "config.py"], 7),
    "js": (JavaScript, ["{w}.js", "config.js"], 5),
    "ts": (lambda r, g: JavaScript(r, g, ts=True), ["{w}.ts", "config.ts"], 4),
    "go": (Go, ["{w}.go", "config.go"], 4),
    "java": (Java, ["{W}.java", "Config.java"], 4),
    "cs": (CSharp, ["{W}.cs", "Settings.cs"], 3),
    "rb": (Ruby, ["{w}.rb", "config.rb"], 3),
    "php": (Php, ["{w}.php", "config.php"], 3),
    "sh": (Shell, ["{w}.sh", "deploy.sh", "bootstrap.sh"], 4),
    "tf": (Terraform, ["main.tf", "{w}.tf", "secrets.tf"], 3),
    "dockerfile": (Dockerfile, ["Dockerfile", "Dockerfile.{w}"], 3),
    "k8s-secret": (Kubernetes, ["secret.yaml", "{w}-secret.yaml"], 3),
    "k8s-deployment": (Deployment, ["deployment.yaml", "{w}-deployment.yaml"], 3),
    "log": (Log, ["{w}.log", "app.log", "worker.log"], 6),
    "md": (Markdown, ["README.md", "{w}.md", "SETUP.md"], 5),
}
LOCK_WEIGHT = 5          # lock files (package-lock.json, yarn.lock, go.sum, poetry.lock)
SERVICE_ACCOUNT_WEIGHT = 2

DIRS = ["services/{w}", "apps/{w}", "deploy/{w}", "infra/{w}", "config", "scripts", "docs", "logs/{w}",
        "k8s/{w}", "packages/{w}", "tools/{w}", "internal/{w}", "terraform/{w}"]


# --------------------------------------------------------------------------
# Special files: lock files and service-account keys.
# --------------------------------------------------------------------------

def integrity(r: random.Random) -> str:
    return "sha512-" + base64.b64encode(r.randbytes(64)).decode()


def pkg_name(r: random.Random) -> str:
    return r.choice(CODE_WORDS) + r.choice(["", "-" + r.choice(CODE_WORDS), "js", "-utils"])


def lock_file(r: random.Random, kind: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Lines and hard-negative labels (0-based line, provider, value) of a lock file."""
    lines, labels = [], []
    names = sorted({pkg_name(r) for _ in range(r.randint(6, 20))})
    ver = lambda: f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}"  # noqa: E731
    if kind == "package-lock.json":
        lines += ["{", f'  "name": "{pkg_name(r)}",', '  "lockfileVersion": 3,', '  "requires": true,', '  "packages": {']
        for i, n in enumerate(names):
            v, h = ver(), integrity(r)
            lines += [f'    "node_modules/{n}": {{', f'      "version": "{v}",',
                      f'      "resolved": "https://registry.npmjs.org/{n}/-/{n}-{v}.tgz",']
            labels.append((len(lines), "lockfile-integrity", h))
            lines += [f'      "integrity": "{h}"', "    }" + ("," if i < len(names) - 1 else "")]
        lines += ["  }", "}"]
    elif kind == "yarn.lock":
        lines += ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""]
        for n in names:
            v, h, sha1 = ver(), integrity(r), rs(r, HEX, 40)
            lines += [f'{n}@^{v}:', f'  version "{v}"']
            labels.append((len(lines), "sha1-digest", sha1))
            lines.append(f'  resolved "https://registry.yarnpkg.com/{n}/-/{n}-{v}.tgz#{sha1}"')
            labels.append((len(lines), "lockfile-integrity", h))
            lines += [f"  integrity {h}", ""]
    elif kind == "go.sum":
        for n in names:
            v = "v" + ver()
            for suffix in ("", "/go.mod"):
                h = "h1:" + base64.b64encode(r.randbytes(32)).decode()
                labels.append((len(lines), "go-sum-hash", h))
                lines.append(f"github.com/{r.choice(CODE_WORDS)}/{n} {v}{suffix} {h}")
    else:  # poetry.lock
        for n in names:
            v = ver()
            lines += ["[[package]]", f'name = "{n}"', f'version = "{v}"', f'description = "{Gen(r).sentence(3, 8)[:-1]}"',
                      'optional = false', 'python-versions = ">=3.8"', "files = ["]
            for f in (f"{n}-{v}-py3-none-any.whl", f"{n}-{v}.tar.gz"):
                h = "sha256:" + rs(r, HEX, 64)
                labels.append((len(lines), "sha256-digest", h))
                lines.append(f'    {{file = "{f}", hash = "{h}"}},')
            lines += ["]", ""]
        lines += ["[metadata]", 'lock-version = "2.0"', 'python-versions = "^3.11"',
                  f'content-hash = "{rs(r, HEX, 64)}"']
        labels.append((len(lines) - 1, "sha256-digest", lines[-1].split('"')[1]))
    return lines, labels


def service_account(r: random.Random) -> tuple[list[str], int, str]:
    """A GCP service-account key file; returns lines, private_key line, labelled value."""
    project = f"{r.choice(CODE_WORDS)}-{r.choice(CODE_WORDS)}-{r.randint(100000, 999999)}"
    account = f"{r.choice(CODE_WORDS)}-{r.choice(CODE_WORDS)}"
    key = escaped(pem_block(r, "pkcs8"))
    lines = ["{", '  "type": "service_account",', f'  "project_id": "{project}",',
             f'  "private_key_id": "{rs(r, HEX, 40)}",', f'  "private_key": "{key}",',
             f'  "client_email": "{account}@{project}.iam.gserviceaccount.com",',
             f'  "client_id": "{rs(r, DIGITS, 21)}",', '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",',
             '  "token_uri": "https://oauth2.googleapis.com/token",',
             '  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",',
             f'  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/{account}%40{project}.iam.gserviceaccount.com",',
             '  "universe_domain": "googleapis.com"', "}"]
    return lines, 4, key


# --------------------------------------------------------------------------
# Syntax files: the assignment forms that simple `name = "value"` patterns miss
# (family "generic-syntax"), and the code and documentation noise that
# name-based rules mistake for secrets (hard negatives of the same family).
# --------------------------------------------------------------------------

SYNTAX_PASSWORD_NAMES = ["DB_PASSWORD", "ADMIN_PASSWORD", "SMTP_PASSWORD", "LDAP_BIND_PASSWORD", "MYSQL_ROOT_PASSWORD"]
SYNTAX_SECRET_NAMES = ["API_KEY", "API_TOKEN", "CLIENT_SECRET", "AUTH_TOKEN", "SECRET_KEY", "ACCESS_TOKEN", "SIGNING_SECRET"]
AWS_SECRET_NAMES = ["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"]


def syntax_value(r: random.Random, kind: str) -> str:
    if kind == "password":
        return password(r, 12, 20)
    if kind == "aws":
        return random_body(r, B64, 40)
    return random_body(r, string.ascii_letters + DIGITS, r.choice([24, 32, 40]))


def split_join(*pieces: str) -> str:
    """Published sample values, kept in pieces so that this file scans clean."""
    return "".join(pieces)


# Each syntax: the file names it lives in, the comment marker, positive templates and
# hard-negative templates.  A template takes (r, g) and returns (lines, index of the
# value's line, provider, value); a value of None labels nothing (context lines).
def _pos(kind, provider, render):
    def make(r, g):
        name = r.choice(SYNTAX_PASSWORD_NAMES if kind == "password" else AWS_SECRET_NAMES if kind == "aws" else SYNTAX_SECRET_NAMES)
        value = syntax_value(r, kind)
        lines, at = render(r, g, name, value)
        return lines, at, provider, value, "secret", ("cloud" if kind == "aws" else "generic-syntax")
    return make


def _neg(provider, render):
    def make(r, g):
        lines, at, value = render(r, g)
        return lines, at, provider, value, "hard-negative", "generic-syntax"
    return make


def _rnd(r, n=32):
    return random_body(r, string.ascii_letters + DIGITS, n)


SYNTAXES = {
    "go": (["{w}.go", "config.go"], "//", [
        _pos("secret", "go-typed-var", lambda r, g, n, v: ([f'var {camel(n)} string = "{v}"'], 0)),
        _pos("password", "go-const-block", lambda r, g, n, v: (["const (", f'\t{camel(n)} = "{v}"', ")"], 1)),
        _pos("secret", "go-var-block", lambda r, g, n, v: (["var (", f'\t{camel(n)} string = "{v}"', ")"], 1)),
    ], [
        _neg("code-reference", lambda r, g: ([f"\tpassword := env.{r.choice(['PERKEEP_TEST_PASSWORD', 'INTEGRATION_DB_PASSWORD'])}"], 0, None)),
        _neg("code-reference", lambda r, g: ([f"\tcfg.APIToken = settings.{r.choice(['API_TOKEN', 'DEPLOY_TOKEN'])}"], 0, None)),
    ]),
    "php": (["{w}.php", "wp-settings.php"], "//", [
        _pos("secret", "php-define", lambda r, g, n, v: ([f'define("{n}", "{v}");'], 0)),
        _pos("password", "php-concat-assign", lambda r, g, n, v: ([f"${camel(n)} = '';", f"${camel(n)} .= '{v}';"], 1)),
        _pos("aws", "aws-secret-access-key", lambda r, g, n, v: ([f"define('{n.upper()}', '{v}');"], 0)),
    ], [
        _neg("env-read", lambda r, g: (["define('DB_PASSWORD', getenv('DB_PASSWORD'));"], 0, None)),
        _neg("selector", lambda r, g: (['$form->addField("#add-password", "password");'], 0, None)),
    ]),
    "make": (["Makefile", "{w}.mk"], "#", [
        _pos("secret", "make-conditional-assign", lambda r, g, n, v: ([f"{n} ?= {v}"], 0)),
        _pos("password", "make-posix-assign", lambda r, g, n, v: ([f"{n} ::= {v}"], 0)),
        _pos("secret", "make-immediate-assign", lambda r, g, n, v: ([f"{n} :::= {v}"], 0)),
    ], [
        _neg("template", lambda r, g: (["API_TOKEN ?= $(shell cat .secrets/api_token)"], 0, None)),
        _neg("template", lambda r, g: (["DB_PASSWORD ?= $(DEFAULT_DB_PASSWORD)"], 0, None)),
    ]),
    "xml": (["pom.xml", "settings.xml", "applicationContext.xml"], None, [
        _pos("password", "xml-value-next-line", lambda r, g, n, v: (["    <password>", f"        {v}", "    </password>"], 1)),
        _pos("password", "xml-property-attribute", lambda r, g, n, v: ([f'  <property name="password" value="{v}"/>'], 0)),
        _pos("secret", "xml-entry-key", lambda r, g, n, v: ([f'  <entry key="{camel(n)}">{v}</entry>'], 0)),
    ], [
        _neg("template", lambda r, g: (["    <password>${env.NEXUS_PASSWORD}</password>"], 0, None)),
        _neg("placeholder", lambda r, g: (["    <password>&lt;YOUR_PASSWORD&gt;</password>"], 0, None)),
    ]),
    "yaml-block": (["values.yaml", "{w}.yml"], "#", [
        _pos("password", "yaml-block-literal", lambda r, g, n, v: ([f"  {lower(n)}: |", f"    {v}"], 1)),
        _pos("secret", "yaml-block-folded", lambda r, g, n, v: ([f"  {lower(n)}: >-", f"    {v}"], 1)),
    ], [
        _neg("ansible-vault", lambda r, g: (["  db_password: !vault |", "    $ANSIBLE_VAULT;1.1;AES256"], 0, None)),
        _neg("route", lambda r, g: (['  password_reset: "passwords#edit"'], 0, None)),
    ]),
    "hcl": (["main.tf", "{w}.tf", "variables.tf"], "#", [
        _pos("password", "terraform-variable-default", lambda r, g, n, v: (
            [f'variable "{lower(n)}" {{', "  type      = string", "  sensitive = true", f'  default   = "{v}"', "}"], 3)),
        _pos("password", "terraform-attribute", lambda r, g, n, v: (
            [f'resource "aws_db_instance" "{g.w()}" {{', '  engine   = "postgres"', f'  password = "{v}"', "}"], 2)),
        _pos("secret", "terraform-provider-block", lambda r, g, n, v: (
            [f'provider "{g.w()}" {{', f'  api_token = "{v}"', "}"], 1)),
    ], [
        _neg("code-reference", lambda r, g: (["  password = random_password.db.result"], 0, None)),
        _neg("code-reference", lambda r, g: (["  api_token = var.api_token"], 0, None)),
    ]),
    "kotlin": (["{W}.kt", "build.gradle.kts", "{W}.groovy"], "//", [
        _pos("secret", "kotlin-val", lambda r, g, n, v: ([f'    val {camel(n)} = "{v}"'], 0)),
        _pos("secret", "kotlin-const-typed", lambda r, g, n, v: ([f'    private const val {n}: String = "{v}"'], 0)),
        _pos("password", "groovy-def", lambda r, g, n, v: ([f"    def {camel(n)} = '{v}'"], 0)),
    ], [
        _neg("code-reference", lambda r, g: (["    val apiKey = BuildConfig.API_KEY"], 0, None)),
        _neg("env-read", lambda r, g: (['    val password = System.getenv("DB_PASSWORD")'], 0, None)),
    ]),
    "curl": (["{w}.sh", "smoke-test.sh"], "#", [
        _pos("secret", "curl-bearer-header", lambda r, g, n, v: ([f'curl -fsS -H "Authorization: Bearer {v}" https://api.{g.w()}.test/v1/{g.w()}'], 0)),
        _pos("secret", "curl-api-key-header", lambda r, g, n, v: ([f"curl -H 'X-API-Key: {v}' https://api.{g.w()}.test/v2/{g.w()}"], 0)),
        _pos("password", "curl-user-password", lambda r, g, n, v: ([f"curl -u {g.w()}:{v} https://ci.{g.w()}.test/api/json"], 0)),
        _pos("password", "mysql-p-flag", lambda r, g, n, v: ([f"mysqldump -h db.internal -u backup -p{v} {g.w()} > /tmp/{g.w()}.sql"], 0)),
        _pos("password", "cli-password-flag", lambda r, g, n, v: ([f"{g.w()}-cli login --user ops --password {v}"], 0)),
    ], [
        _neg("env-read", lambda r, g: (['curl -H "Authorization: Bearer $API_TOKEN" https://api.acme.test/v1/items'], 0, None)),
        _neg("env-read", lambda r, g: (['curl -u "$CI_USER:$CI_PASSWORD" https://ci.acme.test/api/json'], 0, None)),
        _neg("placeholder", lambda r, g: (["curl -u user:password https://ci.acme.test/api/json"], 0, None)),
    ]),
    "http-log": (["access-{w}.log", "http-dump.txt"], None, [
        _pos("secret", "http-log-bearer", lambda r, g, n, v: ([f"{g.ts()} DEBUG > GET /v1/{g.w()} HTTP/1.1", f"{g.ts()} DEBUG > Authorization: Bearer {v}"], 1)),
        _pos("secret", "http-log-api-key", lambda r, g, n, v: ([f"{g.ts()} DEBUG > x-api-key: {v}"], 0)),
    ], [
        _neg("csrf", lambda r, g: ([f"{g.ts()} DEBUG > X-CSRF-Token: {_rnd(r, 40)}"], 0, None)),
        _neg("uuid", lambda r, g: ([f"{g.ts()} DEBUG > X-Request-Id: {g.uuid()}"], 0, None)),
    ]),
    "postman": (["{w}.postman_collection.json", "{w}.postman_environment.json"], None, [
        _pos("secret", "postman-header", lambda r, g, n, v: ([f'        {{"key": "X-API-Key", "value": "{v}", "type": "text"}},'], 0)),
        _pos("secret", "postman-bearer", lambda r, g, n, v: ([f'        {{"key": "Authorization", "value": "Bearer {v}", "type": "text"}},'], 0)),
        _pos("password", "postman-variable", lambda r, g, n, v: ([f'    {{"key": "{camel(n)}", "value": "{v}", "enabled": true}},'], 0)),
    ], [
        _neg("template", lambda r, g: (['        {"key": "X-API-Key", "value": "{{apiKey}}", "type": "text"},'], 0, None)),
        _neg("public-value", lambda r, g: ([f'    {{"key": "publicToken", "value": "{_rnd(r, 32)}", "enabled": true}},'], 0, None)),
    ]),
    "properties-colon": (["application.properties", "{w}.properties"], "#", [
        _pos("password", "properties-colon", lambda r, g, n, v: ([f"{lower(n).replace('_', '.')}: {v}"], 0)),
        _pos("secret", "properties-spaced-colon", lambda r, g, n, v: ([f"{lower(n).replace('_', '.')} : {v}"], 0)),
    ], [
        _neg("template", lambda r, g: (["spring.datasource.password: ${DB_PASSWORD}"], 0, None)),
    ]),
    "k8s-aws": (["{w}-deployment.yaml"], "#", [
        _pos("aws", "aws-secret-access-key", lambda r, g, n, v: (
            ["          env:", "            - name: AWS_SECRET_ACCESS_KEY", f'              value: "{v}"'], 2)),
    ], [
        _neg("secret-ref", lambda r, g: (["            - name: AWS_SECRET_ACCESS_KEY", "              valueFrom:",
                                          "                secretKeyRef: {name: aws, key: secret}"], 0, None)),
    ]),
    "py-noise": (["{w}.py", "settings.py"], "#", [
        _pos("secret", "python-kwarg", lambda r, g, n, v: ([f'client = {pascal(g.w())}Client({lower(n)}="{v}")'], 0)),
    ], [
        _neg("code-reference", lambda r, g: (["secret_key = settings.SECRET_KEY"], 0, None)),
        _neg("code-reference", lambda r, g: (["    self.secret_key = app.config.SECRET_KEY_BASE"], 0, None)),
        _neg("sequence", lambda r, g: (['API_KEY = "abcdefg1234567890abcdefg12346"'], 0, None)),
        _neg("sequence", lambda r, g: (['SECRET = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4"'], 0, None)),
        _neg("sequence", lambda r, g: (['DATABRICKS_TOKEN = "dapi1234567890abcdef1234567890ab"'], 0, None)),
        _neg("public-value", lambda r, g: ([f'csrf_token = "{_rnd(r, 40)}"'], 0, None)),
    ]),
    "js-noise": (["{w}.js", "firebase.js", "search.js"], "//", [
        _pos("secret", "js-object-property", lambda r, g, n, v: ([f'  {camel(n)}: "{v}",'], 0)),
    ], [
        _neg("published-sample", lambda r, g: (['  apiKey: "' + split_join("AIza", "SyDOCAbC123dEf", "456GhI789jKl012-MnO") + '",'], 0, None)),
        _neg("published-sample", lambda r, g: (["const searchApiKey = '" + split_join("6be0576ff61c05", "3d5f9a3225e2a90f76") + "';"], 0, None)),
        _neg("selector", lambda r, g: (['const passwordToggle = "#add-password";'], 0, None)),
        _neg("label", lambda r, g: (['var i18n={passwordLabel:"Password:",rememberMe:"Remember me on this computer"};'], 0, None)),
        _neg("public-value", lambda r, g: ([f'  publicToken: "{_rnd(r, 32)}",'], 0, None)),
    ]),
    "rb-noise": (["routes.rb", "{w}.rb"], "#", [
        _pos("password", "ruby-hash-rocket", lambda r, g, n, v: ([f"  :password => '{v}',"], 0)),
    ], [
        _neg("route", lambda r, g: (['  get "password" => "passwords#edit", as: :edit_password'], 0, None)),
        _neg("csrf", lambda r, g: ([f'<meta name="csrf-token" content="{_rnd(r, 86)}==" />'], 0, None)),
    ]),
    "java-builder": (["{W}.java", "DataSourceConfig.java"], "//", [
        _pos("password", "java-setter", lambda r, g, n, v: ([f'        dataSource.setPassword("{v}");'], 0)),
        _pos("secret", "java-builder", lambda r, g, n, v: ([f"        .{r.choice(['apiKey', 'clientSecret', 'token'])}(\"{v}\")"], 0)),
    ], [
        _neg("env-read", lambda r, g: (['        dataSource.setPassword(System.getenv("DB_PASSWORD"));'], 0, None)),
        _neg("code-reference", lambda r, g: (["        dataSource.setPassword(properties.getPassword());"], 0, None)),
    ]),
    "c-define": (["config.h", "secrets.h", "{w}.ino"], "//", [
        _pos("password", "c-define", lambda r, g, n, v: ([f'#define {r.choice(["WIFI_PASSWORD", "MQTT_PASSWORD", "AP_PASS"])} "{v}"'], 0)),
        _pos("secret", "c-define", lambda r, g, n, v: ([f'#define {n} "{v}"'], 0)),
    ], [
        _neg("identifier", lambda r, g: (["#define PASSWORD_MAX_LENGTH 64"], 0, None)),
        _neg("placeholder", lambda r, g: (['#define WIFI_PASSWORD "your-wifi-password"'], 0, None)),
    ]),
    "sql": (["{w}.sql", "seed.sql", "V2__create_users.sql"], "--", [
        _pos("password", "sql-identified-by", lambda r, g, n, v: ([f"CREATE USER '{g.w()}'@'%' IDENTIFIED BY '{v}';"], 0)),
        _pos("password", "sql-with-password", lambda r, g, n, v: ([f"CREATE ROLE {g.w()} WITH LOGIN PASSWORD '{v}';"], 0)),
    ], [
        _neg("template", lambda r, g: (["CREATE USER 'app'@'%' IDENTIFIED BY '${DB_PASSWORD}';"], 0, None)),
        _neg("bind-parameter", lambda r, g: (["ALTER USER app IDENTIFIED BY :new_password;"], 0, None)),
    ]),
    "powershell": (["{w}.ps1", "deploy.ps1"], "#", [
        _pos("password", "powershell-securestring", lambda r, g, n, v: ([f'$secure = ConvertTo-SecureString "{v}" -AsPlainText -Force'], 0)),
        _pos("password", "docker-login-p", lambda r, g, n, v: ([f"docker login -u {g.w()} -p {v} registry.{g.w()}.test"], 0)),
    ], [
        _neg("env-read", lambda r, g: (["$secure = ConvertTo-SecureString $env:ADMIN_PASSWORD -AsPlainText -Force"], 0, None)),
        _neg("env-read", lambda r, g: (["docker login -u ci -p $env:REGISTRY_PASSWORD registry.acme.test"], 0, None)),
    ]),
    "md-noise": (["README.md", "{w}.md"], None, [
        _pos("secret", "markdown-curl-token", lambda r, g, n, v: (["```sh", f'curl -H "Authorization: Token {v}" https://api.acme.test/v1/me', "```"], 1)),
    ], [
        _neg("placeholder", lambda r, g: (["```sh", "export DATABASE_URL=postgresql" + "://user:password@localhost/app_dev", "```"], 1, None)),
        _neg("placeholder", lambda r, g: (["Set `password: &lt;YOUR_PASSWORD&gt;` in the config."], 0, None)),
    ]),
}
SYNTAX_WEIGHT = 25


def syntax_file(r: random.Random, g: Gen, kind: str) -> tuple[list[str], list[tuple[int, str, str, str, str]], str]:
    """Lines, labels (0-based line, provider, value, kind, family) and file-name template of a
    file in one syntax, with 1 to 3 positives and 1 to 3 hard negatives among comments."""
    names, comment, positives, negatives = SYNTAXES[kind]
    picks = r.sample(positives, min(len(positives), r.randint(1, 3))) + \
        r.sample(negatives, min(len(negatives), r.randint(1, 3)))
    r.shuffle(picks)
    lines, labels = [], []
    for make in picks:
        if comment:
            lines.append(f"{comment} {g.sentence(3, 9)}")
        block, at, provider, value, label_kind, family = make(r, g)
        labels.append((len(lines) + at, provider, value if value is not None else block[at].strip(), label_kind, family))
        lines += block
        lines.append("")
    return lines, labels, r.choice(names)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def render_item(fmt: Format, item: Item) -> tuple[list[str], int, str]:
    """Lines for one item in fmt, the index of its value's line, the labelled value."""
    name = fmt.r.choice(item.names)
    fmt.kind = item.kind
    if item.style == "envread":
        return fmt.envread(name)
    if item.pem is not None:
        return fmt.assign_pem(name, item.pem)
    lines, i = fmt.assign(name, item.text)
    return lines, i, item.value


def file_path(r: random.Random, fname: str, used: set[str]) -> str:
    while True:
        d = r.choice(DIRS).format(w=r.choice(CODE_WORDS))
        f = fname.format(w=r.choice(CODE_WORDS) + "_" + r.choice(CODE_WORDS), W=pascal(r.choice(CODE_WORDS) + "_" + r.choice(CODE_WORDS)))
        p = f"{d}/{f}"
        if p not in used:
            used.add(p)
            return p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=600, help="number of files, default 600")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)

    outdir = os.path.normpath(a.outdir)
    base = os.path.basename(os.path.abspath(outdir))
    labels_path = os.path.join(os.path.dirname(os.path.abspath(outdir)), base + ".labels.json")
    if os.path.exists(outdir) and (not os.path.isdir(outdir) or os.listdir(outdir)):
        print(f"error: {outdir} exists and is not an empty directory", file=sys.stderr)
        return 2
    if a.files < 20:
        print("error: --files must be at least 20", file=sys.stderr)
        return 2

    r = random.Random(a.seed)
    g = Gen(r)
    kinds = list(FORMATS) + ["lock", "service-account", "syntax"]
    weights = [w for _, _, w in FORMATS.values()] + [LOCK_WEIGHT, SERVICE_ACCOUNT_WEIGHT, SYNTAX_WEIGHT]
    plan = [r.choices(kinds, weights=weights)[0] for _ in range(a.files)]
    text_files = [i for i, k in enumerate(plan) if k in FORMATS]

    # Items, round-robin over providers so every provider is represented evenly:
    # about 1.3 secrets and 0.8 hard negatives per ordinary file.
    items_for: dict[int, list[Item]] = {i: [] for i in text_files}
    def deal(providers, total, make):
        order = []
        while len(order) < total:
            cycle = providers[:]
            r.shuffle(cycle)
            order += cycle
        for p in order[:total]:
            items_for[r.choice(text_files)].append(make(p))
    deal(SECRET_PROVIDERS, int(len(text_files) * 1.3), lambda p: secret_item(r, p))
    deal(NEGATIVE_PROVIDERS, int(len(text_files) * 0.8), lambda p: hard_negative_items(r, g, p))

    os.makedirs(outdir, exist_ok=True)
    labels, used = [], set()
    for i, kind in enumerate(plan):
        if kind == "lock":
            fname = r.choice(["package-lock.json", "yarn.lock", "go.sum", "poetry.lock"])
            path = file_path(r, fname, used)
            lines, negs = lock_file(r, fname)
            for ln, provider, value in negs:
                labels.append({"path": path, "line": ln + 1, "family": "generic", "provider": provider,
                               "kind": "hard-negative", "value": value})
        elif kind == "syntax":
            syntax = r.choice(sorted(SYNTAXES))
            lines, labs, fname = syntax_file(r, g, syntax)
            path = file_path(r, fname, used)
            for ln, provider, value, label_kind, family in labs:
                labels.append({"path": path, "line": ln + 1, "family": family, "provider": provider,
                               "kind": label_kind, "value": value})
        elif kind == "service-account":
            path = file_path(r, r.choice(["service-account.json", "gcp-key.json", "{w}-sa.json"]), used)
            lines, ln, value = service_account(r)
            labels.append({"path": path, "line": ln + 1, "span": [1, len(lines)], "family": "cloud",
                           "provider": "gcp-service-account", "kind": "secret", "value": value})
        else:
            factory, names, _ = FORMATS[kind]
            fmt = factory(r, g)
            path = file_path(r, r.choice(names), used)
            lines = fmt.header(path)
            groups = items_for[i]
            r.shuffle(groups)
            for _ in range(r.randint(1, 3)):
                lines += fmt.filler()
            for group in groups:
                for item in group:
                    block, at, value = render_item(fmt, item)
                    labels.append({"path": path, "line": len(lines) + at + 1, "family": item.family,
                                   "provider": item.provider, "kind": item.kind, "value": value})
                    lines += block
                for _ in range(r.randint(1, 3)):
                    lines += fmt.filler()
            lines += fmt.footer()
        full = os.path.join(outdir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")

    labels.sort(key=lambda x: (x["path"], x["line"]))
    tmp = labels_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(labels, f, indent=1)
        f.write("\n")
    os.replace(tmp, labels_path)
    if not a.quiet:
        n_secret = sum(1 for x in labels if x["kind"] == "secret")
        print(f"wrote {len(plan)} files in {outdir}: {n_secret} labelled secrets, "
              f"{len(labels) - n_secret} hard negatives -> {labels_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
