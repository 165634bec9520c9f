# Shared by the end-to-end tests: a busybox root filesystem in an OCI bundle,
# host configs and manifests, and the hook built by meson.
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
HOOK=$OG_BUILD_ROOT/hook/ocigate-hook
E2E=$(mktemp -d /var/tmp/og-e2e.XXXXXX)
[ -n "${OG_KEEP_E2E:-}" ] || trap 'cleanup_e2e' EXIT
cleanup_e2e () {
  for id in $(runc list -q 2>/dev/null | grep '^og-e2e-'); do runc delete -f "$id" >/dev/null 2>&1; done
  [ -n "${E2E_EXTRA_CLEANUP:-}" ] && eval "$E2E_EXTRA_CLEANUP"
  rm -rf "$E2E"
}

# make_rootfs DIR: busybox-static and its applet links, plus a dpkg database
# that says a package "busybox" owns /bin/busybox (what a Debian image says).
make_rootfs () {
  local r=$1
  mkdir -p "$r/bin" "$r/etc" "$r/var/lib/dpkg/info" "$r/proc" "$r/dev" "$r/sys" "$r/tmp"
  cp /bin/busybox "$r/bin/busybox"
  for a in sh echo cat ls touch true; do ln -sf busybox "$r/bin/$a"; done
  printf 'ID=ogdemo\nVERSION_ID=1\nPRETTY_NAME="ocigate e2e busybox"\n' > "$r/etc/os-release"
  cat > "$r/var/lib/dpkg/status" <<'S'
Package: busybox
Status: install ok installed
Architecture: amd64
Version: 1:1.35.0-4+b3
Description: Tiny utilities for small and embedded systems

S
  printf '/.\n/bin\n/bin/busybox\n' > "$r/var/lib/dpkg/info/busybox.list"
}

# make_bundle DIR ID CONFIG: a runc spec whose process writes a marker file
# and whose prestart hook is ocigate-hook with host config CONFIG.
make_bundle () {
  local b=$1 config=$2
  mkdir -p "$b"
  make_rootfs "$b/rootfs"
  (cd "$b" && runc spec)
  jq --arg hook "$HOOK" --arg cfg "$config" '
    .process.terminal = false
    | .process.args = ["/bin/sh", "-c", "echo ran > /tmp/marker; echo container-ran"]
    | .root.readonly = false
    | .hooks = { "prestart": [ { "path": $hook, "args": ["ocigate-hook", "--config", $cfg, "--stage", "prestart"] } ] }' \
    "$b/config.json" > "$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# host_config FILE AUDIT MANIFESTS_DIR DEFAULT_MANIFEST MODE [ON_ERROR] [DEADLINE_MS]
host_config () {
  jq -n --arg audit "$2" --arg dir "$3" --arg man "$4" --arg mode "$5" \
        --arg onerr "${6:-deny}" --argjson dl "${7:-5000}" '
    { schema: "ocigate.config/v1", mode: $mode, on_error: $onerr, deadline_ms: $dl,
      audit: { file: $audit, syslog: false }, manifests_dir: $dir, rules: [],
      default: { manifest: (if $man == "" then null else $man end), mode: $mode } }' > "$1"
}

# The deny-list example denies shells, package managers and busybox.
deny_manifest () { cp "$OG_SOURCE_ROOT/policy/examples/deny-shells-pkgmgrs-compilers.json" "$1"; }
records () { [ -f "$1" ] && wc -l < "$1" || echo 0; }
last_record () { tail -n 1 "$1"; }
