#!/bin/bash
# ocigate install: the hooks.d file and the config.json entry, checked with jq
# against what the oci-hooks(5) and OCI runtime-spec formats say, byte for byte
# where the command promises to keep bytes, and then run by the real runtimes
# (runc reads the bundle entry, podman reads the hooks.d file) when present.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
H=/opt/ocigate-test/ocigate-hook
H2=/opt/other/ocigate-hook
ENVPATH='PATH=/usr/sbin:/usr/bin:/sbin:/bin'

# The entry as the formats define it, built by jq, not by ocigate.
# The args always state --on-error (allow unless told), --config only when given.
entry () { # entry HOOK STAGE [ON_ERROR [CONFIG]]
  jq -n --arg p "$1" --arg s "$2" --arg e "$ENVPATH" --arg oe "${3:-allow}" --arg c "${4:-}" \
    '{path: $p, args: (["ocigate-hook", "--stage", $s]
                       + (if $c == "" then [] else ["--config", $c] end) + ["--on-error", $oe]),
      env: [$e]}'
}
hooks_d () { # hooks_d HOOK STAGE [ON_ERROR [CONFIG]]
  jq -n --argjson h "$(entry "$@")" --arg s "$2" \
    '{version: "1.0.0", hook: $h, when: {always: true}, stages: [$s]}'
}
# Is NEW exactly OLD with one run of bytes inserted, nothing removed or changed?
pure_insert () { # pure_insert OLD NEW
  python3 - "$@" <<'EOF'
import sys
a = open(sys.argv[1], 'rb').read(); b = open(sys.argv[2], 'rb').read()
p = 0
while p < min(len(a), len(b)) and a[p] == b[p]: p += 1
s = 0
while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]: s += 1
sys.exit(0 if p + s == len(a) and len(b) > len(a) else 1)
EOF
}
mode_of () { stat -c %a "$1"; }

# ---- hooks-dir ------------------------------------------------------------
D=$W/etc/containers/oci/hooks.d
"$OCIGATE" install hooks-dir --hook "$H" "$D" > "$W/out" 2> "$W/err"; rc=$?
ok $((rc == 0 ? 0 : 1)) "hooks-dir: a fresh directory: exit 0"
check "hooks-dir: the missing directory is created" test -d "$D"
check "hooks-dir: says which file it wrote" grep -q "^wrote $D/ocigate.json" "$W/out"
hooks_d "$H" prestart | jq -S . > "$W/want"
jq -S . "$D/ocigate.json" > "$W/have" 2>&1
same "hooks-dir: the file is the oci-hooks 1.0.0 document for the hook" "$W/want" "$W/have"
check "hooks-dir: the new file is mode 644" test "$(mode_of "$D/ocigate.json")" = 644
check "hooks-dir: a missing hook executable is warned about" grep -q "$H is not an executable" "$W/err"
cp -p "$D/ocigate.json" "$W/before"; ino=$(stat -c %i "$D/ocigate.json")

"$OCIGATE" install hooks-dir --hook "$H" "$D" > "$W/out" 2>&1; rc=$?
ok $((rc == 0 ? 0 : 1)) "hooks-dir: second run: exit 0"
check "hooks-dir: second run says already installed" grep -q "^already installed: $D/ocigate.json" "$W/out"
check "hooks-dir: second run leaves the file alone (same inode, same bytes)" \
  test "$(stat -c %i "$D/ocigate.json")" = "$ino" -a "$(cat "$W/before")" = "$(cat "$D/ocigate.json")"
jq . "$D/ocigate.json" > "$W/reformatted" && cp "$W/reformatted" "$D/ocigate.json"
"$OCIGATE" install hooks-dir --hook "$H" "$D" > "$W/out" 2>&1
check "hooks-dir: the same document laid out differently counts as installed" grep -q "^already installed" "$W/out"

chmod 640 "$D/ocigate.json"; cp -p "$D/ocigate.json" "$W/before"
"$OCIGATE" install hooks-dir --hook "$H2" "$D" > "$W/out" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "hooks-dir: a different existing file without --force: exit 2"
check "hooks-dir: the refusal names the file, the hook in it and --force" \
  grep -q "$D/ocigate.json already exists .*($H).*--force" "$W/err"
check "hooks-dir: the refused file is unchanged" cmp "$W/before" "$D/ocigate.json"
"$OCIGATE" install hooks-dir --force --hook "$H2" "$D" > "$W/out" 2>&1; rc=$?
ok $((rc == 0 ? 0 : 1)) "hooks-dir: --force: exit 0"
check "hooks-dir: --force says it replaced the file" grep -q "^replaced $D/ocigate.json" "$W/out"
hooks_d "$H2" prestart | jq -S . > "$W/want"; jq -S . "$D/ocigate.json" > "$W/have" 2>&1
same "hooks-dir: --force wrote the new hook" "$W/want" "$W/have"
check "hooks-dir: --force kept the file's mode (640)" test "$(mode_of "$D/ocigate.json")" = 640
check "hooks-dir: no temporary file left behind" test "$(ls -A "$D")" = ocigate.json
echo '{ not json' > "$D/ocigate.json"
"$OCIGATE" install hooks-dir --hook "$H" "$D" > /dev/null 2>&1; rc=$?
ok $((rc == 2 ? 0 : 1)) "hooks-dir: an existing file that is not JSON is not overwritten without --force"

"$OCIGATE" install hooks-dir --stage createRuntime --hook "$H" "$W/cr" > /dev/null 2>&1
hooks_d "$H" createRuntime | jq -S . > "$W/want"; jq -S . "$W/cr/ocigate.json" > "$W/have" 2>&1
same "hooks-dir --stage createRuntime: stages and --stage say createRuntime" "$W/want" "$W/have"

# Without --hook, the file points at the hook where meson installs it, and it is
# byte for byte the hooks.d file that the build generates for the packages.
hook_path=$(sed -n 's/^#define OG_HOOK_PATH "\(.*\)"$/\1/p' "$OG_BUILD_ROOT/og-config.h")
"$OCIGATE" install hooks-dir "$W/def" > /dev/null 2>&1
check "hooks-dir: the default hook is OG_HOOK_PATH ($hook_path)" \
  jq -e --arg p "$hook_path" '.hook.path == $p' "$W/def/ocigate.json"
if [ -f "$OG_BUILD_ROOT/packaging/hooks.d/ocigate.json" ]; then
  same "hooks-dir: the default file equals the packaged packaging/hooks.d/ocigate.json" \
    "$OG_BUILD_ROOT/packaging/hooks.d/ocigate.json" "$W/def/ocigate.json"
fi
# --config and --on-error go into the hook's args; the runtime passes them on.
"$OCIGATE" install hooks-dir --hook "$H" --config /etc/ocigate/node.json --on-error deny "$W/cfg" > /dev/null 2>&1
hooks_d "$H" prestart deny /etc/ocigate/node.json | jq -S . > "$W/want"; jq -S . "$W/cfg/ocigate.json" > "$W/have" 2>&1
same "hooks-dir --config FILE --on-error deny: args [ocigate-hook --stage prestart --config FILE --on-error deny]" \
  "$W/want" "$W/have"
"$OCIGATE" install hooks-dir --config etc/node.json "$W/cfgrel" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "a relative --config: exit 2"
check "a relative --config: the message says it must be absolute" grep -q "^ocigate install: --config takes an absolute path" "$W/err"
"$OCIGATE" install hooks-dir --on-error maybe "$W/oe" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "--on-error maybe: exit 2"
check "--on-error maybe: the message names the two values" grep -q "allow or deny, not 'maybe'" "$W/err"
check "refused --config and --on-error write nothing" test ! -e "$W/cfgrel" -a ! -e "$W/oe"
"$OCIGATE" install hooks-dir --hook relative/ocigate-hook "$W/rel" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "a relative --hook: exit 2"
check "a relative --hook: the message says it must be absolute" grep -q "absolute path" "$W/err"
"$OCIGATE" install hooks-dir --stage poststop "$W/st" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "an unsupported --stage: exit 2"
check "an unsupported --stage: the message lists the stages" grep -q "prestart or createRuntime, not 'poststop'" "$W/err"
check "refused options write nothing" test ! -e "$W/rel" -a ! -e "$W/st"
"$OCIGATE" install elsewhere 2> "$W/err"; ok $(( $? == 2 ? 0 : 1 )) "an unknown install target: exit 2"

# ---- bundle ---------------------------------------------------------------
B=$W/bundle; mkdir -p "$B"
if command -v runc > /dev/null; then
  (cd "$B" && runc spec)
else # the same shape: tab-indented, no hooks
  jq -n '{ociVersion: "1.0.2", process: {args: ["sh"], cwd: "/"}, root: {path: "rootfs"}}' \
    | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), indent="\t"))' > "$B/config.json"
fi
cp -p "$B/config.json" "$W/orig.json"
"$OCIGATE" install bundle --hook "$H" "$B" > "$W/out" 2>&1; rc=$?
ok $((rc == 0 ? 0 : 1)) "bundle: a runc spec without hooks: exit 0"
check "bundle: says it added the entry to hooks.prestart of the file" \
  grep -q "^added the ocigate entry in hooks.prestart of $B/config.json" "$W/out"
check "bundle: hooks.prestart has exactly one entry" jq -e '.hooks.prestart | length == 1' "$B/config.json"
entry "$H" prestart | jq -S . > "$W/want"; jq -S '.hooks.prestart[0]' "$B/config.json" > "$W/have" 2>&1
same "bundle: the entry is {path, args [ocigate-hook --stage prestart --on-error allow], env [PATH]}" "$W/want" "$W/have"
check "bundle: hooks holds nothing else" jq -e '.hooks | keys == ["prestart"]' "$B/config.json"
jq -S . "$W/orig.json" > "$W/a"; jq -S 'del(.hooks)' "$B/config.json" > "$W/b"
same "bundle: everything but .hooks is unchanged (jq -S)" "$W/a" "$W/b"
check "bundle: every original byte is still there; the change is one insertion" \
  pure_insert "$W/orig.json" "$B/config.json"
check "bundle: the inserted lines follow the file's tab indentation" \
  grep -qP '^\t\t\t\t"path": ' "$B/config.json"
check "bundle: the file keeps its mode" test "$(mode_of "$B/config.json")" = "$(mode_of "$W/orig.json")"
cp -p "$B/config.json" "$W/installed.json"; ino=$(stat -c %i "$B/config.json")
"$OCIGATE" install bundle --hook "$H" "$B" > "$W/out" 2>&1; rc=$?
ok $((rc == 0 ? 0 : 1)) "bundle: second run: exit 0"
check "bundle: second run says already installed" grep -q "^already installed: $B/config.json" "$W/out"
check "bundle: second run leaves the file alone" \
  test "$(stat -c %i "$B/config.json")" = "$ino" -a "$(cat "$W/installed.json")" = "$(cat "$B/config.json")"
"$OCIGATE" install bundle --hook "$H2" "$B" > "$W/out" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "bundle: a different ocigate entry without --force: exit 2"
check "bundle: the refusal names the file, the entry, its path and --force" \
  grep -q "$B/config.json: hooks.prestart\[0\] is a different ocigate entry (path $H).*--force" "$W/err"
check "bundle: the refused file is unchanged" cmp "$W/installed.json" "$B/config.json"
"$OCIGATE" install bundle --force --hook "$H2" "$B" > "$W/out" 2>&1; rc=$?
ok $((rc == 0 ? 0 : 1)) "bundle: --force: exit 0"
check "bundle: --force says it replaced the entry" grep -q "^replaced the ocigate entry" "$W/out"
entry "$H2" prestart | jq -S '[.]' > "$W/want"; jq -S '.hooks.prestart' "$B/config.json" > "$W/have" 2>&1
same "bundle: --force left exactly one entry, the new one" "$W/want" "$W/have"
# Both entries are laid out alike, so the only bytes that may differ are the path's.
check "bundle: --force changed only the old entry (installed file with the path swapped)" \
  test "$(grep -c "$H" "$W/installed.json")" = 1 -a "$(sed "s|$H|$H2|" "$W/installed.json")" = "$(cat "$B/config.json")"
jq -S 'del(.hooks)' "$B/config.json" > "$W/b"
same "bundle: --force: everything but .hooks is unchanged" "$W/a" "$W/b"

# Another tool's prestart hook, two-space indentation: appended after it.
mkdir -p "$W/b2"
jq '. + {hooks: {prestart: [{path: "/usr/bin/true", args: ["true"]}], poststop: [{path: "/bin/true"}]}}' \
  "$W/orig.json" > "$W/b2/config.json"
cp "$W/b2/config.json" "$W/b2.orig"
"$OCIGATE" install bundle --hook "$H" "$W/b2" > /dev/null 2>&1; rc=$?
ok $((rc == 0 ? 0 : 1)) "bundle with another prestart hook: exit 0"
check "bundle with another prestart hook: it stays first, ocigate's comes second" \
  jq -e --argjson e "$(entry "$H" prestart)" \
  '.hooks.prestart == [{path: "/usr/bin/true", args: ["true"]}, $e] and .hooks.poststop == [{path: "/bin/true"}]' \
  "$W/b2/config.json"
check "bundle with another prestart hook: one insertion, nothing else moved" \
  pure_insert "$W/b2.orig" "$W/b2/config.json"
check "bundle with another prestart hook: new lines use the file's two-space indentation" \
  grep -q '^        "path": "/opt/ocigate-test/ocigate-hook"' "$W/b2/config.json"

# hooks with only poststop: a prestart member is added beside it.
mkdir -p "$W/b3"; jq '. + {hooks: {poststop: [{path: "/bin/true"}]}}' "$W/orig.json" > "$W/b3/config.json"
cp "$W/b3/config.json" "$W/b3.orig"
"$OCIGATE" install bundle --stage createRuntime --hook "$H" "$W/b3" > /dev/null 2>&1
check "bundle --stage createRuntime next to poststop: the entry is in hooks.createRuntime" \
  jq -e --argjson e "$(entry "$H" createRuntime)" \
  '.hooks == {poststop: [{path: "/bin/true"}], createRuntime: [$e]}' "$W/b3/config.json"
check "bundle --stage createRuntime: one insertion" pure_insert "$W/b3.orig" "$W/b3/config.json"

# A one-line file stays one line.
mkdir -p "$W/b4"; jq -c . "$W/orig.json" > "$W/b4/config.json"; cp "$W/b4/config.json" "$W/b4.orig"
"$OCIGATE" install bundle --hook "$H" "$W/b4" > /dev/null 2>&1
check "bundle, compact file: valid, with the entry" \
  jq -e --argjson e "$(entry "$H" prestart)" '.hooks.prestart == [$e]' "$W/b4/config.json"
check "bundle, compact file: still one line" test "$(wc -l < "$W/b4/config.json")" = 1
check "bundle, compact file: one insertion" pure_insert "$W/b4.orig" "$W/b4/config.json"

# Many layouts: random documents (random nesting, indentation, separators,
# escapes, a "hoo\u006bs" key, CRLF) written by Python's json; after the
# install, Python's json must find the entry appended to hooks.prestart and
# everything else equal, and the file must be the old one plus one insertion.
python3 - "$OCIGATE" "$W/fz" > "$W/fuzz.out" 2>&1 <<'EOF'
import json, os, random, subprocess, sys
O, D = sys.argv[1], sys.argv[2]
H = "/opt/ocigate-test/ocigate-hook"
want = {"path": H, "args": ["ocigate-hook", "--stage", "prestart", "--on-error", "allow"], "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}
random.seed(6)
def rnd(d=0):
    r = random.random()
    if d > 3 or r < 0.3: return random.choice([1, -2.5e3, True, None, "s\u00e9\"\\x", "", 0])
    if r < 0.6: return [rnd(d + 1) for _ in range(random.randint(0, 3))]
    return {random.choice(["a", "b\n", "hooks", "prestart", "\u00fc"]) + str(i): rnd(d + 1) for i in range(random.randint(0, 3))}
os.makedirs(D, exist_ok=True)
bad = 0
for n in range(150):
    doc = {k: rnd() for k in random.sample(["ociVersion", "process", "root", "mounts", "annotations"], random.randint(0, 5))}
    c = random.random()
    if c < 0.3: doc["hooks"] = {}
    elif c < 0.6: doc["hooks"] = {"poststop": [{"path": "/bin/true"}], "prestart": [{"path": "/bin/x"}] * random.randint(0, 2)}
    elif c < 0.7: doc["hooks"] = {"prestart": []}
    items = list(doc.items()); random.shuffle(items); doc = dict(items)
    indent = random.choice([None, 0, 1, 2, 4, "\t"])
    seps = random.choice([(",", ":"), (", ", ": "), (" ,", " : ")]) if indent is None else random.choice([(",", ": "), (" ,", " :  ")])
    text = json.dumps(doc, indent=indent, separators=seps, ensure_ascii=random.random() < 0.5)
    if random.random() < 0.3: text = text.replace('"hooks"', '"hoo\\u006bs"')
    if random.random() < 0.3: text = "\n \t" + text + "\r\n\n"
    a = text.encode()
    open(D + "/config.json", "wb").write(a)
    p = subprocess.run([O, "install", "bundle", "--hook", H, D], capture_output=True)
    b = open(D + "/config.json", "rb").read()
    try:
        j = json.loads(b)
        old = doc.get("hooks", {})
        good = (j["hooks"]["prestart"] == old.get("prestart", []) + [want]
                and all(j["hooks"][k] == v for k, v in old.items() if k != "prestart")
                and {k: v for k, v in j.items() if k != "hooks"} == {k: v for k, v in doc.items() if k != "hooks"})
    except Exception:
        good = False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]: i += 1
    s = 0
    while s < min(len(a), len(b)) - i and a[-1 - s] == b[-1 - s]: s += 1
    if p.returncode != 0 or not good or i + s != len(a):
        bad += 1
        print("case %d: exit %d, content %s, insertion only %s: %r" % (n, p.returncode, good, i + s == len(a), a[:200]))
sys.exit(1 if bad else 0)
EOF
ok $? "bundle: 150 random config.json layouts: entry appended, the rest equal (Python json), one insertion each"
sed 's/^/# /' "$W/fuzz.out" | head -5

# A symlinked config.json: the target is edited, the link stays a link.
mkdir -p "$W/b5"; cp "$W/orig.json" "$W/b5-target.json"; ln -s ../b5-target.json "$W/b5/config.json"
"$OCIGATE" install bundle --hook "$H" "$W/b5" > /dev/null 2>&1
check "bundle, symlinked config.json: the link is still a link" test -L "$W/b5/config.json"
check "bundle, symlinked config.json: its target got the entry" \
  jq -e '.hooks.prestart | length == 1' "$W/b5-target.json"

# Files that are not what they should be.
mkdir -p "$W/bad"
printf '{\n  "ociVersion": "1.0.2",\n  "root": {"path": rootfs}\n}\n' > "$W/bad/config.json"
cp "$W/bad/config.json" "$W/bad.orig"
pyline=$(python3 -c 'import json,sys
try: json.load(open(sys.argv[1]))
except ValueError as e: print(e.lineno)' "$W/bad/config.json")
"$OCIGATE" install bundle --hook "$H" "$W/bad" > /dev/null 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "bundle: config.json that is not JSON: exit 2"
check "bundle: the error names file:line:column (line $pyline, as Python's json says)" \
  grep -q "$W/bad/config.json:$pyline:[0-9][0-9]*: " "$W/err"
check "bundle: the broken file is unchanged" cmp "$W/bad.orig" "$W/bad/config.json"
echo '{"hooks": [1]}' > "$W/bad/config.json"
"$OCIGATE" install bundle --hook "$H" "$W/bad" > /dev/null 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "bundle: hooks that is not an object: exit 2"
check "bundle: ... and the message says so" grep -q '"hooks" is not an object' "$W/err"
echo '{"a": 1, "a": 2}' > "$W/bad/config.json"
"$OCIGATE" install bundle --hook "$H" "$W/bad" > /dev/null 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "bundle: duplicate keys (ambiguous to runtimes) are refused: exit 2"
"$OCIGATE" install bundle --hook "$H" "$W/nowhere" > /dev/null 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "bundle: a missing bundle: exit 2"
check "bundle: ... and the message names its config.json" grep -q "$W/nowhere/config.json" "$W/err"

# ---- the real runtimes read what we wrote --------------------------------
# A stand-in hook named ocigate-hook records its arguments and the state on stdin.
if [ "$(id -u)" = 0 ] && command -v runc > /dev/null && [ -x /bin/busybox ]; then
  mkdir -p "$W/hook" "$W/rb/rootfs/bin"
  printf '#!/bin/sh\ncat > %s/hook/state.json\necho "$@" > %s/hook/args\n' "$W" "$W" > "$W/hook/ocigate-hook"
  chmod 755 "$W/hook/ocigate-hook"
  cp /bin/busybox "$W/rb/rootfs/bin/"
  (cd "$W/rb" && runc spec && jq '.process.args = ["/bin/busybox", "echo", "ran"] | .process.terminal = false' \
    config.json > c && mv c config.json)
  "$OCIGATE" install bundle --hook "$W/hook/ocigate-hook" "$W/rb" > /dev/null 2>&1
  id=ogtest-install-$$
  (cd "$W/rb" && runc run "$id") > "$W/runc.out" 2>&1; rc=$?
  ok $rc "runc runs the bundle with the installed entry"
  check "runc ran the hook with --stage prestart --on-error allow" test "$(cat "$W/hook/args" 2>&1)" = "--stage prestart --on-error allow"
  check "runc gave the hook the state of this container" \
    jq -e --arg id "$id" '.id == $id and .status == "creating"' "$W/hook/state.json"
  if command -v podman > /dev/null; then
    rm -f "$W/hook/args" "$W/hook/state.json"
    tar -C "$W/rb/rootfs" -cf "$W/bb.tar" .
    img=localhost/ocigate-install-test:$$
    podman import -q "$W/bb.tar" "$img" > /dev/null 2>&1
    "$OCIGATE" install hooks-dir --hook "$W/hook/ocigate-hook" "$W/podman-hooks" > /dev/null 2>&1
    podman --runtime runc --hooks-dir "$W/podman-hooks" run --rm --network=none \
      --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$img" /bin/busybox echo ran > "$W/podman.out" 2>&1
    ok $? "podman runs a container with the installed hooks.d file"
    check "podman ran the hook with --stage prestart --on-error allow" test "$(cat "$W/hook/args" 2>&1)" = "--stage prestart --on-error allow"
    check "podman gave the hook the container's state" jq -e '.status == "creating" and (.id | length) == 64' \
      "$W/hook/state.json"
    podman rmi -f "$img" > /dev/null 2>&1
  else
    skip "podman runs a container with the installed hooks.d file" "podman is not installed"
  fi
else
  skip "runc and podman run bundles with the installed entry" "needs root, runc and /bin/busybox"
fi
plan_end
