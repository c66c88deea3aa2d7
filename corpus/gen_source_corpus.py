#!/usr/bin/env python3
"""Generate a deterministic, source-like text corpus with planted FAKE secrets.

Usage:
    python3 corpus/gen_source_corpus.py OUTDIR [--size-mb 300] [--seed 1] [--secrets 20]

Writes a tree of text files (C/C++, Python, JavaScript, Go, Java, YAML, JSON,
TOML, Markdown, log files) totalling about --size-mb megabytes (1 MB = 10^6
bytes) under OUTDIR, then plants --secrets fake secrets at random lines of
random files and writes OUTDIR/../<basename(OUTDIR)>.planted.json:

    [{"path": "rel/path/from/OUTDIR", "line": 1-based, "kind": "...",
      "value": "..."}, ...]

`line` is the line on which the secret starts (for PEM blocks, the
`-----BEGIN ...` line).  `value` is the secret itself (the whole block for PEM,
the full URI for PostgreSQL).  In C and JSON files a PEM block is written on
one line with "\n" escapes (as it would be in a string literal), elsewhere as
real lines (raw/multi-line string literals, YAML block scalars, code fences,
log dumps).  The planted.json file is written last, so its
presence means the corpus is complete.

Every secret is a random value generated here from the seed: none is real and
none is a documented example key.  The filler text is built so that it never
contains secret-like prefixes (see FORBIDDEN), so that every true finding on
the corpus is a planted one.

Standard library only (Python 3.11).  The same seed and arguments always give
byte-identical output.  Speed: a pool of template chunks is generated once;
files are assembled by choosing whole chunks from the pool.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import re
import string
import sys
import time

MB = 1_000_000

# Substrings that must never appear in filler text (case-sensitive).  These are
# prefixes of well-known token formats; keeping them out of the filler means
# that any finding on them is a planted secret.
FORBIDDEN = (
    "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3T",
    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
    "xox", "xapp-",
    "sk_live", "rk_live", "pk_live", "sk_test", "rk_test", "whsec_",
    "-----BEGIN", "-----END", "PRIVATE KEY",
    "AIza", "ya29.", "glpat-", "npm_", "pypi-", "SG.", "shpat_", "shpss_",
    "dop_v1_", "xai-", "AccountKey=", "SharedAccessSignature", "://user:pass",
)
# ...and no userinfo in URLs (scheme://anything@host).
USERINFO_RE = re.compile(r"://[^\s/\"'`]*@")

BASE62 = string.ascii_letters + string.digits
UPPER_B32 = string.ascii_uppercase + "234567"
B64 = string.ascii_letters + string.digits + "+/"

# --------------------------------------------------------------------------
# Word lists.  Deliberately free of words that generic "assignment" rules key
# on (key, token, secret, password, passwd, pwd, auth, credential, api,
# access, private, bearer, session, cookie, salt, signature, cert).
# --------------------------------------------------------------------------

CODE_WORDS = """
account action active adapter address agent alloc allocate amount anchor append
array arena asset async atomic attempt attribute audit backend backoff balance
base batch begin bind bit block body bool bound branch bucket buffer build bundle
byte cache calc call callback cancel capacity cascade catalog cell channel char
check child chunk claim class clear client clock close cluster code codec column
commit compact compare config connect consumer container context control copy
core count counter create cursor cycle data date debug decode default delay delete
delta depth deque detail device dict diff digest dir dispatch display document
domain done draft driver dump edge element emit empty encode engine entry enum
env error event exec exit expand expire export extent factor fallback feature
fetch field file filter final flag flush folder format frame free frontend gauge
graph group guard handle handler hash header heap height helper hint history hook
host index info init inner input insert instance interval invoice item iter job
join journal kind label last layer layout lease length level limit line link
list listener load local lock log lookup loop manager map mark mask match matrix
max merge message meta method metric min mode model module monitor mount name
node notify null number object offset option order origin outer output owner
packet page pair panel param parent parse parser partition patch path payload
peer pending pipeline pixel plan plugin point pointer policy pool port position
prefix price probe process producer profile progress prompt proxy publish queue
quota range rank rate reader ready record reduce ref region registry release
remote render replica report request reset resolve resource response result retry
route router row rule runner scale schema scope score segment select
sender sequence server service shard shape signal size slice slot snapshot socket
source span spec split stack stage start state status step storage store stream
string struct style suffix summary sync table tag target task temp tenant text
thread tick timer timeout title topic total trace track tracker transform tree
trigger tuple type unit update upload user util value vector version view visit
volume wait watch weight widget width window worker writer zone
""".split()

PROSE_WORDS = """
the a an and or but of to in on for with by from as at into over under about
after before during between through without within across against along around
system service request value function module process data file user server
client network memory thread queue cache error result message event handler
configuration deployment release version build test benchmark performance latency
throughput scaling cluster node region storage database index query table record
field schema migration backup restore policy permission role team owner review
change update fix improve support add remove deprecate document describe explain
note warning important example option default behaviour behavior feature flag
rollout monitor alert dashboard metric trace log output input format parse
encode decode validate check verify ensure guarantee handle retry timeout limit
quickly slowly carefully always never usually sometimes often rarely each every
all some many few most more less new old large small fast slow simple complex
stable experimental internal external public shared local remote primary
secondary current previous next first last main core common general specific
is are was were be been will would should could may might must can does do has
have had uses runs returns calls creates reads writes sends receives stores
""".split()

UNICODE_WORDS = ["café", "naïve", "façade", "résumé", "→", "—", "…", "µs", "±", "°C"]

TLDS_HOSTS = [
    "example.com", "example.org", "example.net", "internal.example", "svc.cluster.local",
    "docs.example.com", "cdn.example.net", "status.example.org", "mirror.example.com",
    "registry.example.io", "metrics.internal.example", "localhost",
]

TOP_DIRS = [
    "services", "libs", "tools", "platform", "web", "infra", "docs", "scripts",
    "apps", "pkg", "cmd", "internal", "deploy", "logs", "runtime", "core",
]
SUB_DIRS = [
    "src", "include", "lib", "handlers", "model", "storage", "net", "util",
    "common", "routes", "workers", "ingest", "billing", "search",
    "render", "scheduler", "gateway", "metrics", "cache", "sync", "admin",
    "reports", "parser", "codec", "plugins", "migrations", "assets", "ops",
    "shared", "bridge", "runtime", "graph", "stream", "io", "cli",
]

# kind -> (extension(s), weight).  Weights give the file-count mix.
KINDS = [
    ("c", [".c", ".h"], 10),
    ("cpp", [".cpp", ".hpp", ".cc"], 14),
    ("py", [".py"], 14),
    ("js", [".js", ".ts"], 13),
    ("go", [".go"], 10),
    ("java", [".java"], 9),
    ("yaml", [".yaml", ".yml"], 7),
    ("json", [".json"], 6),
    ("toml", [".toml"], 3),
    ("md", [".md"], 7),
    ("log", [".log"], 7),
]


class Gen:
    """Chunk generators.  All randomness comes from self.r (seeded)."""

    def __init__(self, r: random.Random):
        self.r = r

    # ---- atoms ---------------------------------------------------------
    def w(self) -> str:
        return self.r.choice(CODE_WORDS)

    def words(self, lo: int, hi: int) -> list[str]:
        return self.r.choices(CODE_WORDS, k=self.r.randint(lo, hi))

    def snake(self, lo=1, hi=3) -> str:
        return "_".join(self.words(lo, hi))

    def camel(self, lo=1, hi=3) -> str:
        ws = self.words(lo, hi)
        return ws[0] + "".join(x.capitalize() for x in ws[1:])

    def pascal(self, lo=1, hi=3) -> str:
        return "".join(x.capitalize() for x in self.words(lo, hi))

    def upper(self, lo=1, hi=3) -> str:
        return "_".join(x.upper() for x in self.words(lo, hi))

    def sentence(self, lo=6, hi=18, unicode_ok=False) -> str:
        ws = self.r.choices(PROSE_WORDS, k=self.r.randint(lo, hi))
        if unicode_ok and self.r.random() < 0.08:
            ws.insert(self.r.randrange(len(ws)), self.r.choice(UNICODE_WORDS))
        if self.r.random() < 0.3:
            ws.insert(self.r.randrange(len(ws)), "`" + self.snake() + "`")
        s = " ".join(ws)
        return s[0].upper() + s[1:] + "."

    def para(self, lo=2, hi=5, unicode_ok=False) -> str:
        return " ".join(self.sentence(unicode_ok=unicode_ok) for _ in range(self.r.randint(lo, hi)))

    def num(self) -> str:
        c = self.r.random()
        if c < 0.4:
            return str(self.r.randint(0, 100))
        if c < 0.7:
            return str(self.r.randint(100, 1_000_000))
        if c < 0.85:
            return "%.3f" % (self.r.random() * 1000)
        return "0x%0*x" % (self.r.choice([2, 4, 8]), self.r.getrandbits(32) & 0xFFFFFFFF)

    def hexhash(self) -> str:
        bits = self.r.choice([128, 160, 256])
        return "%0*x" % (bits // 4, self.r.getrandbits(bits))

    def uuid(self) -> str:
        h = "%032x" % self.r.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[self.r.getrandbits(2)]}{h[17:20]}-{h[20:]}"

    def url(self) -> str:
        host = self.r.choice(TLDS_HOSTS)
        path = "/".join(self.words(1, 4))
        u = f"{self.r.choice(['https', 'https', 'http'])}://{host}"
        if host == "localhost":
            u += f":{self.r.choice([3000, 8000, 8080, 9090])}"
        u += "/" + path
        if self.r.random() < 0.3:
            u += f"?{self.w()}={self.r.randint(1, 500)}&{self.w()}={self.w()}"
        return u

    def b64(self, lo=24, hi=400) -> str:
        n = self.r.randint(lo, hi)
        return base64.b64encode(self.r.randbytes(n)).decode("ascii")

    def ip(self) -> str:
        return f"10.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def literal(self) -> str:
        c = self.r.random()
        if c < 0.35:
            return '"' + " ".join(self.r.choices(PROSE_WORDS, k=self.r.randint(1, 6))) + '"'
        if c < 0.5:
            return self.num()
        if c < 0.6:
            return '"' + self.hexhash() + '"'
        if c < 0.7:
            return '"' + self.uuid() + '"'
        if c < 0.8:
            return '"' + self.url() + '"'
        if c < 0.85:
            return '"' + self.b64(12, 60) + '"'
        return '"' + self.snake() + '"'

    def ts(self) -> str:
        return "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
            self.r.randint(1, 12), self.r.randint(1, 28), self.r.randint(0, 23),
            self.r.randint(0, 59), self.r.randint(0, 59), self.r.randint(0, 999))

    # ---- C / C++ -----------------------------------------------------------
    def c_chunk(self, cpp: bool) -> str:
        r = self.r
        c = r.random()
        out = []
        if c < 0.15:
            out.append("/*")
            for _ in range(r.randint(2, 6)):
                out.append(" * " + self.sentence())
            out.append(" */")
            for _ in range(r.randint(2, 8)):
                out.append(f"#define {self.upper(2, 3)} {self.num()}")
        elif c < 0.28:
            name = self.pascal(1, 2) if cpp else self.snake(1, 2) + "_t"
            out.append(f"// {self.sentence(4, 10)}")
            out.append(f"struct {name} {{")
            for _ in range(r.randint(3, 10)):
                ty = r.choice(["int", "uint32_t", "uint64_t", "size_t", "double", "char *",
                               "const char *", "bool", "int64_t", "float"])
                out.append(f"    {ty} {self.snake(1, 2)};  // {self.sentence(3, 8)}")
            out.append("};")
        elif c < 0.36:
            out.append(f"static const uint32_t {self.snake(2, 3)}[] = {{")
            for _ in range(r.randint(2, 10)):
                out.append("    " + ", ".join("0x%08x" % r.getrandbits(32) for _ in range(6)) + ",")
            out.append("};")
        else:
            ret = r.choice(["int", "void", "bool", "size_t", "double", "std::string", "auto"]
                           if cpp else ["int", "void", "size_t", "double", "const char *"])
            fname = (self.pascal(2, 3) if cpp and r.random() < 0.5 else self.snake(2, 3))
            args = ", ".join(f"{r.choice(['int', 'size_t', 'const char *', 'double'])} {self.snake(1, 2)}"
                             for _ in range(r.randint(0, 4)))
            if r.random() < 0.6:
                out.append(f"// {self.sentence(5, 14)}")
            out.append(f"{ret} {fname}({args}) {{")
            for _ in range(r.randint(3, 14)):
                v = self.snake(1, 2)
                k = r.random()
                if k < 0.25:
                    out.append(f"    {r.choice(['int', 'size_t', 'auto' if cpp else 'long'])} {v} = {self.num()};")
                elif k < 0.4:
                    out.append(f"    if ({v} > {self.num()}) {{")
                    out.append(f"        {self.snake(2, 3)}({v}, {self.literal()});")
                    out.append("    }")
                elif k < 0.55:
                    out.append(f"    for (size_t i = 0; i < {self.snake(1, 2)}; ++i) {{")
                    out.append(f"        {v}[i] = {self.snake(1, 2)}[i] * {self.num()};")
                    out.append("    }")
                elif k < 0.7:
                    fn = "std::fprintf(stderr, " if cpp else "fprintf(stderr, "
                    out.append(f"    {fn}\"{self.sentence(3, 8)[:-1]}: %d\\n\", {v});")
                elif k < 0.8:
                    out.append(f"    // {self.sentence(4, 12)}")
                else:
                    out.append(f"    {v} = {self.snake(1, 2)}({self.literal()}, {self.num()});")
            out.append(f"    return {r.choice(['0', '1', 'true', 'false', 'result', 'n'])};"
                       if ret != "void" else "    return;")
            out.append("}")
        out.append("")
        return "\n".join(out) + "\n"

    # ---- Python ------------------------------------------------------------
    def py_chunk(self) -> str:
        r = self.r
        c = r.random()
        out = []
        if c < 0.2:
            out.append(f"class {self.pascal(2, 3)}({r.choice(['object', 'Base', 'Exception', self.pascal(1, 2)])}):")
            out.append(f'    """{self.sentence()}"""')
            out.append("")
            for _ in range(r.randint(1, 4)):
                out.append(f"    def {self.snake(1, 3)}(self, {self.snake(1, 2)}, {self.snake(1, 1)}=None):")
                for _ in range(r.randint(2, 6)):
                    out.append(f"        self.{self.snake(1, 2)} = {self.snake(1, 2)}.get({self.literal()}, {self.num()})")
                out.append(f"        return self.{self.snake(1, 2)}")
                out.append("")
        elif c < 0.32:
            out.append(f"{self.upper(2, 3)} = {{")
            for _ in range(r.randint(3, 12)):
                out.append(f'    "{self.snake(1, 2)}": {self.literal()},')
            out.append("}")
        elif c < 0.38:
            out.append(f"{self.upper(1, 2)}_DIGESTS = [")
            for _ in range(r.randint(3, 12)):
                out.append(f'    "{self.hexhash()}",')
            out.append("]")
        else:
            if r.random() < 0.3:
                out.append(r.choice(["@functools.lru_cache(maxsize=128)", "@staticmethod",
                                     f"@{self.snake(1, 2)}.register", "@pytest.mark.slow"]))
            out.append(f"def {self.snake(2, 3)}({', '.join(self.snake(1, 2) for _ in range(r.randint(0, 4)))}):")
            out.append(f'    """{self.sentence()}')
            out.append("")
            out.append(f"    {self.sentence(8, 20)}")
            out.append('    """')
            for _ in range(r.randint(3, 12)):
                v = self.snake(1, 2)
                k = r.random()
                if k < 0.25:
                    out.append(f"    {v} = {self.literal()}")
                elif k < 0.45:
                    out.append(f"    for {self.w()} in {self.snake(1, 2)}:")
                    out.append(f"        {v}.append({self.snake(1, 2)}({self.w()}))")
                elif k < 0.6:
                    out.append(f"    log.info(\"{self.sentence(3, 8)[:-1]} %s\", {v})")
                elif k < 0.75:
                    out.append(f"    if {v} is None or {v} > {self.num()}:")
                    out.append(f"        raise ValueError(f\"{self.sentence(3, 7)[:-1]}: {{{v}!r}}\")")
                elif k < 0.85:
                    out.append(f"    # {self.sentence(4, 12)}")
                else:
                    out.append(f"    {v} = requests.get(\"{self.url()}\", timeout={r.randint(1, 60)})")
            out.append(f"    return {self.snake(1, 2)}")
        out.append("")
        out.append("")
        return "\n".join(out)

    # ---- JavaScript / TypeScript -------------------------------------------
    def js_chunk(self) -> str:
        r = self.r
        c = r.random()
        out = []
        if c < 0.04:
            # minified-looking long line
            parts = []
            for _ in range(r.randint(60, 400)):
                parts.append(f"{r.choice(string.ascii_lowercase)}.{self.camel(1, 2)}={self.literal()}")
            out.append("!function(e,t){" + ";".join(parts) + "}(window,document);")
        elif c < 0.2:
            out.append(f"export const {self.camel(2, 3)} = {{")
            for _ in range(r.randint(3, 12)):
                out.append(f"  {self.camel(1, 2)}: {self.literal()},")
            out.append("};")
        elif c < 0.35:
            out.append(f"export class {self.pascal(2, 3)} {{")
            out.append(f"  constructor({self.camel(1, 2)}, {self.camel(1, 2)}) {{")
            for _ in range(r.randint(2, 6)):
                out.append(f"    this.{self.camel(1, 2)} = {self.literal()};")
            out.append("  }")
            out.append("}")
        else:
            out.append("/**")
            out.append(f" * {self.sentence()}")
            out.append(f" * @param {{{r.choice(['string', 'number', 'Object'])}}} {self.camel(1, 2)}")
            out.append(" */")
            out.append(f"{r.choice(['async function', 'function', 'export async function'])} "
                       f"{self.camel(2, 3)}({', '.join(self.camel(1, 2) for _ in range(r.randint(0, 3)))}) {{")
            for _ in range(r.randint(3, 12)):
                v = self.camel(1, 2)
                k = r.random()
                if k < 0.3:
                    out.append(f"  const {v} = {self.literal()};")
                elif k < 0.45:
                    out.append(f"  const {v} = await fetch(`{self.url()}`);")
                elif k < 0.6:
                    out.append(f"  if (!{v} || {v}.length > {self.num()}) {{")
                    out.append(f"    throw new Error('{self.sentence(3, 7)[:-1]}');")
                    out.append("  }")
                elif k < 0.75:
                    out.append(f"  console.log('{self.sentence(3, 8)[:-1]}', {v});")
                elif k < 0.85:
                    out.append(f"  // {self.sentence(4, 12)}")
                else:
                    out.append(f"  {v}.forEach(({self.w()}) => {self.camel(1, 2)}.push({self.w()}.{self.camel(1, 2)}));")
            out.append(f"  return {self.camel(1, 2)};")
            out.append("}")
        out.append("")
        return "\n".join(out) + "\n"

    # ---- Go ------------------------------------------------------------------
    def go_chunk(self) -> str:
        r = self.r
        c = r.random()
        out = []
        if c < 0.25:
            s = self.sentence(4, 12)
            out.append(f"// {self.pascal(1, 2)} {s[0].lower() + s[1:]}")
            out.append(f"type {self.pascal(1, 3)} struct {{")
            for _ in range(r.randint(3, 10)):
                f = self.pascal(1, 2)
                out.append(f"\t{f} {r.choice(['string', 'int', 'int64', 'bool', '[]byte', 'time.Duration', 'map[string]string'])}"
                           f" `json:\"{self.snake(1, 2)}\" yaml:\"{self.snake(1, 2)}\"`")
            out.append("}")
        elif c < 0.35:
            out.append("var (")
            for _ in range(r.randint(3, 8)):
                out.append(f"\t{self.camel(1, 3)} = {self.literal()}")
            out.append(")")
        else:
            recv = f"({self.w()[0]} *{self.pascal(1, 2)}) " if r.random() < 0.5 else ""
            out.append(f"// {self.sentence()}")
            out.append(f"func {recv}{self.pascal(2, 3)}(ctx context.Context, {self.camel(1, 2)} string) (int, error) {{")
            for _ in range(r.randint(3, 12)):
                v = self.camel(1, 2)
                k = r.random()
                if k < 0.3:
                    out.append(f"\t{v} := {self.literal()}")
                elif k < 0.5:
                    out.append(f"\tif err := {self.camel(2, 3)}(ctx, {v}); err != nil {{")
                    out.append(f"\t\treturn 0, fmt.Errorf(\"{self.sentence(3, 7)[:-1]}: %w\", err)")
                    out.append("\t}")
                elif k < 0.65:
                    out.append(f"\tlog.Printf(\"{self.sentence(3, 8)[:-1]} %v\", {v})")
                elif k < 0.8:
                    out.append(f"\tfor _, {self.w()[0]} := range {self.camel(1, 2)} {{")
                    out.append(f"\t\t{v} = append({v}, {self.w()[0]})")
                    out.append("\t}")
                else:
                    out.append(f"\t// {self.sentence(4, 12)}")
            out.append(f"\treturn {r.randint(0, 9)}, nil")
            out.append("}")
        out.append("")
        return "\n".join(out) + "\n"

    # ---- Java ------------------------------------------------------------------
    def java_chunk(self) -> str:
        r = self.r
        out = []
        out.append("    /**")
        out.append(f"     * {self.sentence()}")
        out.append("     */")
        if r.random() < 0.3:
            out.append(f"    private static final String {self.upper(2, 3)} = {self.literal()};")
        if r.random() < 0.4:
            out.append(r.choice(["    @Override", "    @Deprecated", "    @SuppressWarnings(\"unchecked\")"]))
        out.append(f"    {r.choice(['public', 'private', 'protected'])} {r.choice(['void', 'int', 'String', 'List<String>', 'boolean', 'long'])} "
                   f"{self.camel(2, 3)}({r.choice(['String', 'int', 'long', 'Map<String, Object>'])} {self.camel(1, 2)}) {{")
        for _ in range(r.randint(3, 12)):
            v = self.camel(1, 2)
            k = r.random()
            if k < 0.3:
                out.append(f"        var {v} = {self.literal()};")
            elif k < 0.5:
                out.append(f"        if ({v} == null) {{")
                out.append(f"            throw new IllegalStateException(\"{self.sentence(3, 7)[:-1]}\");")
                out.append("        }")
            elif k < 0.65:
                out.append(f"        LOG.info(\"{self.sentence(3, 8)[:-1]} {{}}\", {v});")
            elif k < 0.8:
                out.append(f"        for (var {self.w()} : {self.camel(1, 2)}) {{")
                out.append(f"            {v}.add({self.w()});")
                out.append("        }")
            else:
                out.append(f"        // {self.sentence(4, 12)}")
        out.append(f"        return{'' if r.random() < 0.2 else ' ' + self.camel(1, 2)};")
        out.append("    }")
        out.append("")
        return "\n".join(out) + "\n"

    # ---- YAML ----------------------------------------------------------------
    def yaml_chunk(self) -> str:
        r = self.r
        out = ["---"]
        if r.random() < 0.5:
            out.append(f"apiVersion: {r.choice(['apps/v1', 'v1', 'batch/v1', 'networking.k8s.io/v1'])}")
            out.append(f"kind: {r.choice(['Deployment', 'Service', 'ConfigMap', 'CronJob', 'Ingress'])}")
            out.append("metadata:")
            out.append(f"  name: {self.snake(1, 3).replace('_', '-')}")
            out.append(f"  namespace: {self.w()}")
            out.append("  labels:")
            for _ in range(r.randint(1, 4)):
                out.append(f"    {self.w()}: {self.w()}-{r.randint(1, 99)}")
            out.append("spec:")
            out.append(f"  replicas: {r.randint(1, 12)}")
            out.append("  template:")
            out.append("    spec:")
            out.append("      containers:")
            for _ in range(r.randint(1, 3)):
                out.append(f"        - name: {self.w()}")
                out.append(f"          image: registry.example.io/{self.w()}/{self.w()}:{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}")
                out.append("          env:")
                for _ in range(r.randint(1, 5)):
                    out.append(f"            - name: {self.upper(1, 3)}")
                    out.append(f"              value: {self.literal()}")
                out.append("          resources:")
                out.append(f"            limits: {{cpu: \"{r.randint(1, 8)}\", memory: \"{r.choice([256, 512, 1024, 2048])}Mi\"}}")
        else:
            out.append(f"# {self.sentence()}")
            out.append(f"{self.snake(1, 2)}:")
            for _ in range(r.randint(3, 10)):
                if r.random() < 0.2:
                    out.append(f"  {self.snake(1, 2)}:")
                    for _ in range(r.randint(1, 4)):
                        out.append(f"    - {self.literal()}")
                else:
                    out.append(f"  {self.snake(1, 2)}: {self.literal()}")
        return "\n".join(out) + "\n"

    # ---- JSON (chunk = one array element, ends with ",\n") ----------------------
    def json_chunk(self) -> str:
        r = self.r
        obj = {
            "id": self.uuid(),
            "name": self.snake(1, 3),
            "created": self.ts(),
            "digest": self.hexhash(),
            "url": self.url(),
            "count": r.randint(0, 100000),
        }
        for _ in range(r.randint(0, 6)):
            obj[self.snake(1, 2)] = r.choice([self.num(), self.sentence(3, 8), self.uuid(), r.random() < 0.5,
                                             [self.w() for _ in range(r.randint(1, 5))]])
        if r.random() < 0.07:
            obj["blob"] = self.b64(400, 6000)   # occasional long line
        if r.random() < 0.5:
            s = json.dumps(obj, indent=2, ensure_ascii=False)
            s = "\n".join("    " + ln for ln in s.split("\n"))
        else:
            s = "    " + json.dumps(obj, ensure_ascii=False)
        return s + ",\n"

    # ---- TOML ------------------------------------------------------------------
    def toml_chunk(self) -> str:
        r = self.r
        out = [f"# {self.sentence()}", f"[{self.snake(1, 2)}.{self.snake(1, 2)}]"]
        for _ in range(r.randint(3, 10)):
            k = r.random()
            name = self.snake(1, 2)
            if k < 0.5:
                out.append(f"{name} = {self.literal()}")
            elif k < 0.7:
                out.append(f"{name} = [{', '.join(chr(34) + self.w() + chr(34) for _ in range(r.randint(1, 5)))}]")
            elif k < 0.85:
                out.append(f"{name} = {r.choice(['true', 'false'])}")
            else:
                out.append(f"{name} = {{ {self.w()} = {r.randint(1, 99)}, {self.w()} = \"{self.w()}\" }}")
        out.append("")
        return "\n".join(out) + "\n"

    # ---- Markdown --------------------------------------------------------------
    def md_chunk(self) -> str:
        r = self.r
        out = []
        out.append(f"{'#' * r.randint(2, 4)} {self.sentence(2, 6)[:-1]}")
        out.append("")
        for _ in range(r.randint(1, 3)):
            out.append(self.para(unicode_ok=True))
            out.append("")
        k = r.random()
        if k < 0.3:
            for _ in range(r.randint(2, 6)):
                out.append(f"- {self.sentence(3, 10)} See [{self.w()}]({self.url()}).")
            out.append("")
        elif k < 0.5:
            lang = r.choice(["sh", "python", "yaml", "json", "go"])
            out.append("```" + lang)
            for _ in range(r.randint(2, 8)):
                if lang == "sh":
                    out.append(f"$ {self.w()} --{self.w()} {self.snake(1, 2)} {self.url()}")
                else:
                    out.append(f"{self.snake(1, 2)} = {self.literal()}")
            out.append("```")
            out.append("")
        elif k < 0.65:
            cols = [self.w() for _ in range(r.randint(2, 5))]
            out.append("| " + " | ".join(cols) + " |")
            out.append("|" + "---|" * len(cols))
            for _ in range(r.randint(2, 8)):
                out.append("| " + " | ".join(self.num() if r.random() < 0.5 else self.w() for _ in cols) + " |")
            out.append("")
        return "\n".join(out) + "\n"

    # ---- logs --------------------------------------------------------------------
    def log_chunk(self) -> str:
        r = self.r
        out = []
        for _ in range(r.randint(5, 25)):
            lvl = r.choices(["INFO", "DEBUG", "WARN", "ERROR"], weights=[60, 25, 10, 5])[0]
            comp = f"{self.w()}.{self.w()}"
            k = r.random()
            if k < 0.4:
                msg = f"{self.sentence(4, 12)[:-1]} request_id={self.uuid()} latency_ms={r.randint(1, 5000)}"
            elif k < 0.6:
                msg = (f"{r.choice(['GET', 'POST', 'PUT', 'DELETE'])} {self.url()} "
                       f"status={r.choice([200, 200, 200, 201, 204, 301, 404, 500, 503])} "
                       f"bytes={r.randint(0, 10 ** 6)} remote={self.ip()}")
            elif k < 0.75:
                msg = f"commit={self.hexhash()[:40]} {self.w()}={self.num()} {self.w()}={self.w()}"
            elif k < 0.97:
                msg = f"{self.sentence(3, 9)[:-1]}: {self.snake(1, 3)}={self.literal()}"
            else:
                payload = {self.snake(1, 2): self.literal() for _ in range(r.randint(20, 200))}
                msg = "payload=" + json.dumps(payload)   # long line
            out.append(f"{self.ts()} {lvl:5} [{comp}] {msg}")
        return "\n".join(out) + "\n"

    def chunk(self, kind: str) -> str:
        if kind == "c":
            return self.c_chunk(False)
        if kind == "cpp":
            return self.c_chunk(True)
        return getattr(self, kind + "_chunk")()

    # ---- per-file header / footer --------------------------------------------
    def header(self, kind: str, fname: str) -> str:
        r = self.r
        stem = os.path.splitext(fname)[0]
        if kind in ("c", "cpp"):
            h = [f"// {fname} - {self.sentence(4, 10)}", "// Copyright 2024 The Leakhound Bench Authors.",
                 "// SPDX-License-Identifier: Apache-2.0", ""]
            if fname.endswith((".h", ".hpp")):
                g = stem.upper() + "_H_"
                h += [f"#ifndef {g}", f"#define {g}", ""]
            incs = ["stdint.h", "stdio.h", "stdlib.h", "string.h"] if kind == "c" else \
                   ["cstdint", "cstdio", "string", "vector", "memory", "unordered_map"]
            h += [f"#include <{x}>" for x in r.sample(incs, r.randint(2, len(incs)))]
            h += [f'#include "{self.snake(1, 2)}.h"', ""]
            if kind == "cpp":
                h += [f"namespace {self.w()} {{", ""]
            return "\n".join(h) + "\n"
        if kind == "py":
            return (f'"""{self.sentence()}"""\n\nimport json\nimport logging\nimport os\n'
                    f"from typing import Any\n\nimport requests\n\nlog = logging.getLogger(__name__)\n\n\n")
        if kind == "js":
            return (f"// {fname}: {self.sentence(4, 10)}\n'use strict';\n\n"
                    f"import {{ {self.camel(1, 2)} }} from './{self.w()}';\n\n")
        if kind == "go":
            s = self.sentence(4, 10)
            return (f"// Package {self.w()} {s[0].lower()}{s[1:]}\n"
                    f"package {self.w()}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"log\"\n\t\"time\"\n)\n\n")
        if kind == "java":
            return (f"package com.example.{self.w()}.{self.w()};\n\nimport java.util.List;\nimport java.util.Map;\n\n"
                    f"/** {self.sentence()} */\npublic class {stem[:1].upper() + stem[1:]} {{\n\n")
        if kind == "json":
            return f'{{\n  "name": "{stem}",\n  "version": "{r.randint(0, 9)}.{r.randint(0, 40)}.{r.randint(0, 99)}",\n  "items": [\n'
        if kind == "md":
            return f"# {stem.replace('_', ' ').title()}\n\n{self.para(unicode_ok=True)}\n\n"
        if kind == "toml":
            return f'# {fname}\ntitle = "{stem}"\n\n'
        return ""

    def footer(self, kind: str, fname: str) -> str:
        if kind == "c" and fname.endswith(".h") or kind == "cpp" and fname.endswith(".hpp"):
            return ("}  // namespace\n\n" if kind == "cpp" else "") + "#endif\n"
        if kind == "cpp":
            return "}  // namespace\n"
        if kind == "java":
            return "}\n"
        if kind == "json":
            return "    null\n  ]\n}\n"
        return ""


def clean(s: str) -> bool:
    return not any(f in s for f in FORBIDDEN) and not USERINFO_RE.search(s)


# --------------------------------------------------------------------------
# Fake secrets
# --------------------------------------------------------------------------

def make_secret(r: random.Random, kind: str) -> str:
    while True:
        if kind == "aws_access_key_id":
            v = "AKIA" + "".join(r.choices(UPPER_B32, k=16))
        elif kind == "github_pat_classic":
            v = "ghp_" + "".join(r.choices(BASE62, k=36))
        elif kind == "slack_bot_token":
            v = ("xoxb-" + str(r.randint(10 ** 10, 10 ** 13 - 1)).rjust(11, "1") + "-"
                 + str(r.randint(10 ** 10, 10 ** 13 - 1)).rjust(11, "1") + "-"
                 + "".join(r.choices(BASE62, k=24)))
        elif kind == "stripe_live_secret":
            v = "sk_live_" + "".join(r.choices(BASE62, k=24))
        elif kind == "postgres_uri":
            pw = "".join(r.choices(BASE62, k=16))
            v = f"postgres://{r.choice(['app', 'svc', 'report', 'etl'])}_{r.choice(CODE_WORDS)}:{pw}@db-{r.randint(1, 9)}.{r.choice(['prod', 'eu-west', 'core', 'billing'])}.internal:5432/{r.choice(CODE_WORDS)}"
        elif kind == "rsa_private_key":
            lines = ["-----BEGIN RSA PRIVATE KEY-----"]
            for i in range(r.randint(10, 25)):
                lines.append("".join(r.choices(B64, k=64)))
            lines.append("-----END RSA PRIVATE KEY-----")
            v = "\n".join(lines)
        else:
            raise ValueError(kind)
        # The value must not carry a second secret prefix, and must not look like
        # a placeholder ("EXAMPLE", "test", ...) that scanners allowlist.
        if kind == "rsa_private_key":
            body = "\n".join(v.split("\n")[1:-1])
        elif kind == "postgres_uri":
            body = pw
        else:
            body = v[len({"aws_access_key_id": "AKIA", "github_pat_classic": "ghp_",
                          "slack_bot_token": "xoxb-", "stripe_live_secret": "sk_live_"}[kind]):]
        low = body.lower()
        if clean(body) and not any(x in low for x in ("example", "test", "fake", "dummy", "sample", "xxxx")):
            return v


SECRET_KINDS = ["aws_access_key_id", "github_pat_classic", "slack_bot_token",
                "stripe_live_secret", "postgres_uri", "rsa_private_key"]


def secret_lines(r: random.Random, file_kind: str, kind: str, value: str) -> tuple[list[str], int]:
    """Lines to insert for a secret in a file of file_kind, and the 0-based index
    (within those lines) of the line where the secret starts."""
    var = {
        "aws_access_key_id": "aws_access_key_id",
        "github_pat_classic": "github_token",
        "slack_bot_token": "slack_bot_token",
        "stripe_live_secret": "stripe_secret_key",
        "postgres_uri": "database_url",
        "rsa_private_key": "signing_key_pem",
    }[kind]
    up = var.upper()
    camel = var.split("_")[0] + "".join(x.capitalize() for x in var.split("_")[1:])
    if kind == "rsa_private_key":
        block = value.split("\n")
        if file_kind == "c":   # one line, "\n" escapes
            return [f'static const char {var}[] = "' + "\\n".join(block) + '\\n";'], 0
        if file_kind == "cpp":  # raw string literal
            return [f'static const char {var}[] = R"PEM('] + block + [')PEM";'], 1
        if file_kind == "py":
            return [f'{up} = """'] + block + ['"""'], 1
        if file_kind == "js":
            return [f"const {camel} = `"] + block + ["`;"], 1
        if file_kind == "go":
            return [f"var {camel} = `"] + block + ["`"], 1
        if file_kind == "java":
            return [f'    static final String {up} = """'] + ["        " + ln for ln in block] + ['        """;'], 1
        if file_kind == "yaml":
            return ["---", f"{var}: |"] + ["  " + ln for ln in block], 2
        if file_kind == "toml":
            return [f'{var} = """'] + block + ['"""'], 1
        if file_kind == "md":
            return ["```"] + block + ["```"], 1
        if file_kind == "json":   # one line, "\n" escapes
            return [f'    {{"{var}": "' + "\\n".join(block) + '"},'], 0
        return block, 0   # log: raw dump
    v = value
    if file_kind in ("c", "cpp"):
        line = f'static const char *{var} = "{v}";'
    elif file_kind == "py":
        line = f'{up} = os.environ.get("{up}", "{v}")'
    elif file_kind == "js":
        line = f"const {camel} = process.env.{up} || '{v}';"
    elif file_kind == "go":
        line = f'\t{camel} := "{v}"'
    elif file_kind == "java":
        line = f'    private static final String {up} = "{v}";'
    elif file_kind == "yaml":
        return ["---", f"{var}: {v}"], 1
    elif file_kind == "json":
        line = f'    {{"{var}": "{v}"}},'
    elif file_kind == "toml":
        line = f'{var} = "{v}"'
    elif file_kind == "md":
        line = f"    export {up}={v}"
    else:  # log
        line = f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T10:{r.randint(10, 59)}:00.000Z DEBUG [config.env] loaded {up}={v}"
    return [line], 0


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("outdir")
    ap.add_argument("--size-mb", type=float, default=300.0, help="total size in MB (10^6 bytes), default 300")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--secrets", type=int, default=20, help="number of fake secrets to plant, default 20")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)

    t0 = time.monotonic()
    outdir = os.path.normpath(a.outdir)
    base = os.path.basename(os.path.abspath(outdir))
    planted_path = os.path.join(os.path.dirname(os.path.abspath(outdir)), base + ".planted.json")
    if os.path.exists(outdir) and (not os.path.isdir(outdir) or os.listdir(outdir)):
        print(f"error: {outdir} exists and is not an empty directory", file=sys.stderr)
        return 2
    if a.size_mb <= 0 or a.secrets < 0:
        print("error: --size-mb must be > 0 and --secrets >= 0", file=sys.stderr)
        return 2
    target_total = int(a.size_mb * MB)

    r = random.Random(a.seed)
    g = Gen(r)

    # 1. Chunk pools.  Size per kind scales with the corpus but is capped, so
    # that generation time stays bounded; files are assembled from the pools.
    kind_names = [k for k, _, _ in KINDS]
    pool_bytes = max(60_000, min(1_500_000, target_total // 40))
    pools: dict[str, list[str]] = {}
    pool_sizes: dict[str, list[int]] = {}
    pool_lines: dict[str, list[int]] = {}
    for k in kind_names:
        chunks, sizes, nls, total = [], [], [], 0
        while total < pool_bytes:
            ch = g.chunk(k)
            if not clean(ch):
                continue
            b = len(ch.encode("utf-8"))
            chunks.append(ch)
            sizes.append(b)
            nls.append(ch.count("\n"))
            total += b
        pools[k], pool_sizes[k], pool_lines[k] = chunks, sizes, nls
    t_pool = time.monotonic() - t0

    # 2. Directory tree (2-4 levels).
    dirs: list[str] = []
    for top in r.sample(TOP_DIRS, 10):
        dirs.append(top)
        for sub in r.sample(SUB_DIRS, r.randint(3, 7)):
            d2 = f"{top}/{sub}"
            dirs.append(d2)
            for sub2 in r.sample(SUB_DIRS, r.randint(0, 4)):
                d3 = f"{d2}/{sub2}"
                dirs.append(d3)
                if r.random() < 0.25:
                    dirs.append(f"{d3}/{r.choice(CODE_WORDS)}")

    # 3. Plan files: kind, path, list of chunk indices; stop at target size.
    #    Sizes: log-normal, median ~26 KB, clipped to [4 KB, 400 KB], mean ~40 KB.
    kinds_w = [w for _, _, w in KINDS]
    exts = {k: e for k, e, _ in KINDS}
    files = []   # (kind, relpath, header, [chunk idx], footer)
    used_paths: dict[str, int] = {}
    total = 0
    mu, sigma = math.log(26_000), 0.95
    while total < target_total:
        kind = r.choices(kind_names, weights=kinds_w)[0]
        d = r.choice(dirs)
        if kind == "log" and r.random() < 0.7:
            d = "logs/" + r.choice(["app", "worker", "gateway", "batch"])
        ext = r.choice(exts[kind])
        stem = g.snake(1, 3) if kind != "java" else g.pascal(1, 3)
        rel = f"{d}/{stem}{ext}"
        if rel in used_paths:
            used_paths[rel] += 1
            rel = f"{d}/{stem}_{used_paths[rel]}{ext}"
        used_paths[rel] = 1
        fname = rel.rsplit("/", 1)[1]
        want = int(min(400_000, max(4_000, r.lognormvariate(mu, sigma))))
        want = min(want, max(4_000, target_total - total))
        head, foot = g.header(kind, fname), g.footer(kind, fname)
        size = len(head.encode("utf-8")) + len(foot.encode("utf-8"))
        idx = []
        sizes = pool_sizes[kind]
        n = len(sizes)
        while size < want:
            i = r.randrange(n)
            if size + sizes[i] > 400_000 and idx:
                break
            idx.append(i)
            size += sizes[i]
        files.append((kind, rel, head, idx, foot))
        total += size

    # 4. Choose where to plant secrets: (file, chunk boundary).  Distinct files
    #    while possible.
    plants: dict[int, list[tuple[int, str, str]]] = {}   # file -> [(boundary, kind, value)]
    order = list(range(len(files)))
    r.shuffle(order)
    pos = 0
    secret_kinds = [SECRET_KINDS[s % len(SECRET_KINDS)] for s in range(a.secrets)]   # balanced mix
    r.shuffle(secret_kinds)
    for kind in secret_kinds:
        fi = order[pos % len(order)]
        pos += 1
        boundary = r.randint(0, len(files[fi][3]))
        plants.setdefault(fi, []).append((boundary, kind, make_secret(r, kind)))

    # 5. Write files.
    os.makedirs(outdir, exist_ok=True)
    made_dirs = set()
    planted = []
    written = 0
    for fi, (kind, rel, head, idx, foot) in enumerate(files):
        d = os.path.join(outdir, os.path.dirname(rel))
        if d not in made_dirs:
            os.makedirs(d, exist_ok=True)
            made_dirs.add(d)
        chunks = pools[kind]
        nls = pool_lines[kind]
        ins: dict[int, list[tuple[str, str]]] = {}
        for boundary, skind, value in plants.get(fi, []):
            ins.setdefault(boundary, []).append((skind, value))
        parts = [head]
        line = head.count("\n")          # lines completed so far
        for b in range(len(idx) + 1):
            for skind, value in ins.get(b, []):
                lines, off = secret_lines(r, kind, skind, value)
                planted.append({"path": rel, "line": line + 1 + off, "kind": skind, "value": value})
                parts.append("\n".join(lines) + "\n")
                line += len(lines)
            if b < len(idx):
                parts.append(chunks[idx[b]])
                line += nls[idx[b]]
        parts.append(foot)
        data = "".join(parts).encode("utf-8")
        with open(os.path.join(outdir, rel), "wb") as f:
            f.write(data)
        written += len(data)

    planted.sort(key=lambda p: (p["path"], p["line"]))
    tmp = planted_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(planted, f, indent=2)
        f.write("\n")
    os.replace(tmp, planted_path)

    if not a.quiet:
        dt = time.monotonic() - t0
        print(f"wrote {len(files)} files, {written / MB:.1f} MB in {outdir} "
              f"({len(planted)} planted secrets -> {planted_path}) in {dt:.1f}s (pool {t_pool:.1f}s)",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
