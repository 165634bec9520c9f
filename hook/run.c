/* The hook's flow: the host config, the OCI state on stdin and the bundle's
   config.json (runtime-spec runtime.md "State", config.md), the sandbox, the
   inventory of the root, the manifest the host config picks, the verdict.  */
#include "hook.h"
#include "base/fileio.h"
#include "base/text.h"
#include "catalog/build.h"
#include "json/load.h"
#include "output/output.h"
#include "runtime/sandbox.h"
#include "source/dir.h"

static int
load_config (hook *h, og_error **err)
{
  cleanup_diags og_diags diags = { 0 }; /* the error names the first problem as file:line:column */
  return og_hostconfig_load_file (h->config_path, &h->cfg, &diags, err);
}

static int
read_state (hook *h, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  if (og_read_fd (STDIN_FILENO, "the OCI state on stdin", OG_OCI_STATE_MAX, &data, &len, err) < 0)
    return -1;
  if (og_oci_state_parse (data, len, &h->state, err) < 0)
    return -1;
  h->have_state = true;
  return 0;
}

/* The root is root.path of BUNDLE/config.json, relative to the bundle when
   not absolute.  */
static int
read_bundle_config (hook *h, og_error **err)
{
  cleanup_free char *path = og_xasprintf ("%s/config.json", h->state.bundle);
  cleanup_free char *data = NULL;
  size_t len = 0;

  if (og_read_file (path, OG_OCI_CONFIG_MAX, &data, &len, err) < 0)
    return -1;
  if (og_oci_config_parse (data, len, path, &h->oci, err) < 0)
    return -1;
  h->have_oci = true;
  h->root = h->oci.root_path[0] == '/' ? og_xstrdup (h->oci.root_path)
                                       : og_xasprintf ("%s/%s", h->state.bundle, h->oci.root_path);
  return 0;
}

/* config.json's annotations, then the state's, borrowed into one array.  */
static og_kv *
all_annotations (const hook *h, size_t *n)
{
  size_t no = h->oci.n_annotations, ns = h->have_state ? h->state.n_annotations : 0;
  og_kv *a = og_xcalloc (no + ns ? no + ns : 1, sizeof *a);
  if (no)
    memcpy (a, h->oci.annotations, no * sizeof *a);
  if (ns)
    memcpy (a + no, h->state.annotations, ns * sizeof *a);
  *n = no + ns;
  return a;
}

/* The image and pod of the container (runtime/identity.h): what the CRI
   runtime's annotations say, else, under podman, what containers-storage
   says of the container.  Read before the sandbox; a store that cannot be
   read leaves the identity unknown, which rules on it do not match.  */
static void
find_identity (hook *h)
{
  cleanup_error og_error *err = NULL;
  size_t n;
  cleanup_free og_kv *a = all_annotations (h, &n);
  og_identity_from_annotations (a, n, &h->identity);
  if (h->identity.id == NULL
      && og_identity_from_cstore (h->state.bundle, h->root, &h->identity, &err) < 0)
    {
      cleanup_free char *msg = og_text_escaped (err->msg);
      fprintf (stderr, "ocigate-hook: the container's image is unknown: %s\n", msg);
    }
}

/* The rules see config.json's annotations, then the state's (borrowed), and
   h->inv.os.  Called once the root's os-release is read, before the walk:
   the backstop then knows the mode, and the walk reads what the manifest
   needs.  */
static void
select_manifest (hook *h)
{
  size_t n;
  cleanup_free og_kv *a = all_annotations (h, &n);
  og_hc_subject subj = {
    .image = h->identity.name,
    .image_names = (const char *const *)h->identity.names.v,
    .n_image_names = h->identity.names.n,
    .image_id = h->identity.id,
    .image_digest = h->identity.digest,
    .namespace = h->identity.pod_namespace,
  };

  free (h->manifest_path);
  h->manifest_path = NULL;
  og_hostconfig_select (h->cfg, a, n, &h->inv.os, &subj, &h->manifest_path, &h->mode);
  h->selected = true;
}

static int
load_manifest (hook *h, og_error **err)
{
  cleanup_diags og_diags diags = { 0 }; /* as for the host config */
  return og_manifest_load_file (h->manifest_path, &h->manifest, &diags, err);
}

/* A mount destination as a canonical absolute path: "//", "/./", ".." and a
   trailing "/" folded (".." stops at the root, as the runtime resolves it
   inside the root).  NULL when it names the root itself, which is never
   left out.  */
static char *
normalise_destination (const char *d)
{
  size_t n = strlen (d);
  cleanup_free char *out = og_xmalloc (n + 2);
  size_t len = 0;

  for (const char *p = d; *p;)
    {
      const char *q = p;
      size_t c;
      while (*q && *q != '/')
        q++;
      c = (size_t)(q - p);
      if (c == 2 && p[0] == '.' && p[1] == '.')
        {
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
        }
      else if (c > 0 && !(c == 1 && p[0] == '.'))
        {
          out[len++] = '/';
          memcpy (out + len, p, c);
          len += c;
        }
      p = *q ? q + 1 : q;
    }
  if (len == 0)
    return NULL;
  out[len] = '\0';
  return og_steal_pointer (&out);
}

/* The container's mount destinations, normalised: where the runtime puts
   what it provides (podman's /etc/hostname, /etc/hosts, /run/.containerenv).
   Only the empty placeholder file at exactly such a path is left out of the
   inventory (catalog/build.h); what an image holds there is inspected.  */
static void
mount_destinations (hook *h)
{
  if (h->placeholders)
    return;
  h->placeholders = og_xcalloc (h->oci.n_mounts + 1, sizeof *h->placeholders);
  for (size_t i = 0; i < h->oci.n_mounts; i++)
    {
      const char *d = h->oci.mounts[i].destination;
      char *p = d && d[0] == '/' ? normalise_destination (d) : NULL;
      if (p)
        h->placeholders[h->n_placeholders++] = p;
    }
}

/* Open the root: an operational failure when it cannot be.  */
static int
open_root (hook *h, bool digests, og_source **src, og_error **err)
{
  og_source_options opts = { .digests = digests ? OG_DIGESTS_EXEC : OG_DIGESTS_NONE };

  h->phase = HOOK_PHASE_ROOT;
  if (og_source_open_dir (h->root, &opts, src, err) < 0)
    return -1;
  h->phase = HOOK_PHASE_INSPECT;
  return 0;
}

/* The manifest's bytes, then, on a layer cache hit, the hit memo made
   with the same inputs (this manifest file among them): 1 when it
   answered, so the manifest is not even parsed (hook/cache.c).  A memo
   that cannot be used is no error: the inspection that follows says what
   there is to say.  */
static int
try_memo (hook *h, og_source *src, const char *data, size_t len)
{
  og_sha256_hex sha;
  cleanup_error og_error *e = NULL;

  if (og_sha256_hex_of (data, len, sha, &e) < 0 || !hook_cache_memo_use (h, src, sha))
    return 0;
  h->memo_manifest_sha256 = og_xstrdup (sha);
  return 1;
}

/* Pick and load the manifest from the root's os-release alone (what the
   host config's rules can match of the content), so that the root is walked
   once, with the digests and verification the manifest asks for.  1 when
   a hit memo answered for the whole inspection.  */
static int
pick_manifest (hook *h, og_source *src, og_error **err)
{
  cleanup_diags og_diags diags = { 0 }; /* as for the host config */
  cleanup_free char *data = NULL;
  size_t len = 0;

  og_osrelease_clear (&h->inv.os);
  if (og_inventory_read_os (src, &h->inv.os, err) < 0)
    return -1;
  select_manifest (h);
  hook_update_backstop (h);
  if (h->manifest_path == NULL)
    return 0;
  h->phase = HOOK_PHASE_MANIFEST;
  if (og_jload_read_file (h->manifest_path, "manifest", &data, &len, err) < 0)
    return -1;
  h->phase = HOOK_PHASE_INSPECT;
  mount_destinations (h); /* the placeholders, which the memo's inputs name */
  if (hook_cache_usable (h) && try_memo (h, src, data, len) == 1)
    return 1;
  h->phase = HOOK_PHASE_MANIFEST;
  if (og_manifest_load_buffer (data, len, h->manifest_path, &h->manifest, &diags, err) < 0)
    return -1;
  h->phase = HOOK_PHASE_INSPECT;
  return 0;
}

/* Inventory the root (a failure there is the content's:
   HOOK_PHASE_INSPECT).  */
static int
build_inventory (hook *h, og_source *src, bool digests, unsigned flags, og_error **err)
{
  og_inventory_clear (&h->inv);
  h->have_inv = false;
  mount_destinations (h);
  /* Layer cache (issue 16): an overlay root's walk replays its lower
     stack's entry; the result is the full walk's.  Verification and the
     dependency graph read the packages' files and databases afterwards, as
     they would; sha256 pins need every executable read, which the entry
     does not hold.  */
  if (!digests && hook_cache_usable (h))
    {
      if (hook_cache_build (h, src, flags, err) < 0)
        {
          og_error_prefix (err, "inspect `%s`", h->root);
          return -1;
        }
    }
  else if (og_inventory_build_excluding (src, flags, (const char *const *)h->placeholders,
                                         h->n_placeholders, &h->inv, err)
           < 0)
    {
      og_error_prefix (err, "inspect `%s`", h->root);
      return -1;
    }
  h->have_inv = true;
  return 0;
}

/* Is path a mount the runtime made of something that is not the image's
   content: a kernel or fresh filesystem (proc, sysfs, tmpfs, devpts,
   mqueue, cgroup: not a bind), or a file bound over a destination (the
   runtime's /etc/hosts, /etc/resolv.conf, an init binary)?  A directory
   bound there may be a volume the runtime filled from the image (podman
   copies what an image holds under its VOLUME into it): judged.  */
static bool
runtime_mount (const hook *h, const og_skipped *k)
{
  for (size_t i = 0; i < h->oci.n_mounts; i++)
    {
      const og_oci_mount *m = &h->oci.mounts[i];
      cleanup_free char *d = m->destination && m->destination[0] == '/'
                                 ? normalise_destination (m->destination)
                                 : NULL;
      if (d && strcmp (d, k->path) == 0)
        return !m->bind || (k->mode & 0170000) != 0040000;
    }
  return false;
}

/* What the walk could not see (inventory.h og_skipped) is an "inspection"
   finding unless the manifest vouches for it (og_policy_judge_skipped),
   except what the runtime mounted there and the placeholders the hook
   left out, which hold no image content.  */
static void
judge_skipped (hook *h, const char *today)
{
  for (size_t i = 0; i < h->inv.n_skipped; i++)
    {
      const og_skipped *k = &h->inv.skipped[i];
      if (k->reason == OG_SKIPPED_MOUNT && !runtime_mount (h, k))
        og_policy_judge_skipped (h->manifest, today, k->path, k->mode, &h->res);
    }
}

static int
evaluate (hook *h, og_error **err)
{
  cleanup_launch_facts og_launch_facts facts = { 0 };
  char today[11];

  og_launch_facts_from_oci (&h->oci, &facts);
  og_policy_today (today);
  if (og_policy_evaluate (h->manifest, &h->inv, &facts, today, &h->res, err) < 0)
    return -1;
  judge_skipped (h, today);
  h->have_res = true;
  return 0;
}

/* Everything after the sinks are open and the sandbox is in place.  */
static int
inspect_and_evaluate (hook *h, og_error **err)
{
  cleanup_source og_source *src = NULL;
  bool digests = false;
  unsigned flags = 0;
  int picked;

  if (open_root (h, false, &src, err) < 0)
    return -1;
  picked = pick_manifest (h, src, err);
  if (picked != 0)
    return picked < 0 ? -1 : 0; /* 1: the hit memo answered */
  /* Digests and verification only when the manifest asks for them.  */
  if (h->manifest)
    {
      digests = og_manifest_needs_sha256 (h->manifest);
      flags = (og_manifest_needs_verify (h->manifest) ? OG_INV_VERIFY : 0)
              | (og_manifest_needs_deps (h->manifest) ? OG_INV_DEPS : 0);
    }
  if (digests)
    {
      og_source_free (og_steal_pointer (&src));
      if (open_root (h, true, &src, err) < 0)
        return -1;
    }
  if (build_inventory (h, src, digests, flags, err) < 0)
    return -1;
  if (h->manifest)
    {
      if (og_deadline_check (err) < 0)
        return -1;
      if (evaluate (h, err) < 0)
        return -1;
    }
  if (og_inventory_digest (&h->inv, h->inv_sha256, err) < 0)
    return -1;
  /* The memo of a hit, or of the miss that made the entry, for the next
     launch with the same inputs: only when what the inspection read is all
     in its fingerprint (no digests, no dependency graph; verification
     reads the packaged files' content, which the key fixes for the lower
     layers and the fingerprint then holds the identity of for the upper
     one).  */
  if (!digests && (flags & ~(unsigned)OG_INV_VERIFY) == 0)
    hook_cache_memo_keep (h, src, (flags & OG_INV_VERIFY) != 0);
  return 0;
}

/* The root was open and the inspection failed: the content cannot be
   vouched for, which is an "inspection" finding (a deny in enforce mode,
   whatever on_error says), not an error.  The manifest is still named in
   the record when it can be loaded.  */
static void
inspection_failed (hook *h, const og_error *e)
{
  cleanup_error og_error *merr = NULL;

  if (!h->selected)
    select_manifest (h);
  if (h->manifest_path && h->manifest == NULL)
    load_manifest (h, &merr);
  og_policy_result_clear (&h->res);
  og_policy_add_inspection_error (&h->res, e, merr ? merr->msg : NULL);
  h->have_res = true;
}

/* With the host config loaded: the container, the sandbox, the inspection.
   h->phase says how far it went.  A failure once the root is open is an
   inspection finding, not an error.  */
static int
inspect_container (hook *h, og_error **err)
{
  h->phase = HOOK_PHASE_STATE;
  if (read_state (h, err) < 0)
    return -1;
  h->phase = HOOK_PHASE_BUNDLE;
  if (read_bundle_config (h, err) < 0)
    return -1;
  find_identity (h);
  hook_update_backstop (h);
  h->phase = HOOK_PHASE_SANDBOX;
  hook_cache_prepare (h); /* layer cache: what it opens, before the sandbox */
  if (og_sandbox_enter (hook_max_out_fd (h) > hook_cache_max_fd (h) ? hook_max_out_fd (h)
                                                                    : hook_cache_max_fd (h),
                        err)
      < 0)
    return -1;
  if (inspect_and_evaluate (h, err) < 0)
    {
      if (h->phase != HOOK_PHASE_INSPECT)
        return -1;
      inspection_failed (h, *err);
      og_error_freep (err);
      *err = NULL;
    }
  h->phase = HOOK_PHASE_DONE;
  return 0;
}

/* The host config failed first: still name the container in the record
   (what goes wrong here is not the error to report).  */
static void
name_the_container (hook *h)
{
  cleanup_error og_error *err = NULL;
  if (read_state (h, &err) == 0 && read_bundle_config (h, &err) == 0)
    find_identity (h);
}

int
hook_run (hook *h)
{
  cleanup_error og_error *err = NULL;
  bool on_error_deny = h->fallback_deny;

  h->phase = HOOK_PHASE_CONFIG;
  h->mode = OG_MODE_ENFORCE;
  if (load_config (h, &err) == 0)
    {
      on_error_deny = h->cfg->on_error_deny;
      h->mode = h->cfg->mode;
    }
  hook_open_sinks (h);
  if (err == NULL)
    {
      og_deadline_start (h->cfg->deadline_ms);
      hook_arm_backstop (h);
      inspect_container (h, &err);
    }
  if (err && h->phase == HOOK_PHASE_CONFIG)
    name_the_container (h);
  og_deadline_backstop_cancel ();
  int rc = hook_report (h, err, on_error_deny);
  return rc;
}
