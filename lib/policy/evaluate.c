/* Evaluation of an allowed-content manifest against an inventory and the
   launch facts.  One finding per offending subject: the candidate
   violations of a subject (every rule that flags it, as many as there are)
   are ordered from the most specific rule (the explicit denies, in list
   order) to the least (unlisted), and the first one that no current
   exception waives is reported.  */
#include <jansson.h>
#include <sys/stat.h>
#include <time.h>

#include "policy/glob.h"
#include "policy/evaluate.h"
#include "catalog/version.h"

#define MAX_BIND_MOUNTS 4096

void
og_policy_today (char buf[11])
{
  time_t t = time (NULL);
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (buf, 11, "%Y-%m-%d", &tm);
}

og_verdict
og_policy_verdict (const og_policy_result *r)
{
  return r->n ? OG_VERDICT_DENY : OG_VERDICT_ALLOW;
}

const char *
og_verdict_name (og_verdict v)
{
  switch (v)
    {
    case OG_VERDICT_ALLOW:
      return "allow";
    case OG_VERDICT_DENY:
      return "deny";
    default:
      return "deny";
    }
}

void
og_policy_result_clear (og_policy_result *r)
{
  for (size_t i = 0; i < r->n; i++)
    {
      free (r->findings[i].rule);
      free (r->findings[i].subject);
      free (r->findings[i].reason);
      free (r->findings[i].expired_exception);
    }
  for (size_t i = 0; i < r->n_waived; i++)
    {
      free (r->waived[i].rule);
      free (r->waived[i].subject);
    }
  free (r->findings);
  free (r->waived);
  memset (r, 0, sizeof *r);
}

void
og_launch_facts_clear (og_launch_facts *f)
{
  og_strv_free (f->bind_sources, f->n_bind_sources);
  memset (f, 0, sizeof *f);
}

/* ---- candidate violations and exceptions ------------------------------- */

/* Rule numbers (og_idxv), kept in list order.  */
typedef og_idxv og_rule_hits;

static int
cmp_size (const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static void
hits_sort (og_rule_hits *h)
{
  if (h->n > 1)
    qsort (h->v, h->n, sizeof *h->v, cmp_size);
}

typedef struct violation
{
  char *rule;
  char *reason;
} violation;

typedef struct eval
{
  const og_manifest *m;
  const og_inventory *inv;
  const char *today;
  og_policy_result *out;
  violation *cand; /* the candidates of the subject at hand, most specific first */
  size_t n_cand;
  size_t cap_cand;
  og_rule_hits deny_hits; /* every deny rule that matches the subject at hand */
} eval;

static void
cand_add (eval *ev, char *rule, char *reason)
{
  og_grow (&ev->cand, &ev->cap_cand, ev->n_cand + 1, sizeof *ev->cand);
  ev->cand[ev->n_cand++] = (violation){ rule, reason };
}

static bool
exception_rule_matches (const char *xrule, const char *rule)
{
  size_t l = strlen (xrule);
  if (strcmp (xrule, rule) == 0)
    return true;
  return strchr (xrule, '[') == NULL && strncmp (rule, xrule, l) == 0 && rule[l] == '[';
}

/* For the candidate (rule) of subject: 1 waived by a current exception
   (*which set), 0 not, with *lapsed the latest expired matching date.  */
static int
waived (const og_manifest *m, const char *today, const char *rule, og_subject_kind kind,
        const char *name, const char *path, size_t *which, const char **lapsed)
{
  *lapsed = NULL;
  for (size_t i = 0; i < m->n_exceptions; i++)
    {
      const og_exception *x = &m->exceptions[i];
      if (!exception_rule_matches (x->rule, rule))
        continue;
      if (x->package
          && !(kind == OG_SUBJECT_PACKAGE && name && og_name_glob_match (x->package, name)))
        continue;
      if (x->path && !(path && og_path_glob_match (x->path, path)))
        continue;
      if (kind == OG_SUBJECT_INSPECTION && x->path == NULL)
        continue; /* the loader requires a path; never waive what was not seen by default */
      if (strcmp (today, x->expires) <= 0)
        {
          *which = i;
          return 1;
        }
      if (*lapsed == NULL || strcmp (x->expires, *lapsed) > 0)
        *lapsed = x->expires;
    }
  return 0;
}

/* Record that exception `which` waived rule for subject, once per subject
   (the waivers of the subject at hand start at `first`): an exception that
   names a whole list may waive several of its rules.  */
static void
add_waiver (og_policy_result *out, size_t first, const char *rule, const char *subject,
            size_t which)
{
  for (size_t i = first; i < out->n_waived; i++)
    if (out->waived[i].exception == which)
      return;
  og_grow (&out->waived, &out->cap_waived, out->n_waived + 1, sizeof *out->waived);
  out->waived[out->n_waived++] = (og_waiver){ og_xstrdup (rule), og_xstrdup (subject), which };
}

/* The finding of candidate v, which takes over its strings.  */
static void
add_finding (og_policy_result *out, violation *v, og_subject_kind kind, const char *subject,
             const char *lapsed)
{
  og_finding *f;
  og_grow (&out->findings, &out->cap, out->n + 1, sizeof *out->findings);
  f = &out->findings[out->n++];
  memset (f, 0, sizeof *f);
  f->rule = og_steal_pointer (&v->rule);
  f->subject = og_xstrdup (subject);
  f->kind = kind;
  if (lapsed)
    {
      f->expired_exception = og_xstrdup (lapsed);
      f->reason = og_xasprintf ("%s (the exception for it expired on %s)", v->reason, lapsed);
    }
  else
    f->reason = og_steal_pointer (&v->reason);
}

/* Report the first candidate that no current exception waives.  */
static void
settle (eval *ev, og_subject_kind kind, const char *subject, const char *name, const char *path)
{
  og_policy_result *out = ev->out;
  size_t first_waiver = out->n_waived;
  bool done = false;
  for (size_t i = 0; i < ev->n_cand; i++)
    {
      violation *v = &ev->cand[i];
      size_t which = 0;
      const char *lapsed = NULL;
      if (done)
        ;
      else if (waived (ev->m, ev->today, v->rule, kind, name, path, &which, &lapsed))
        add_waiver (out, first_waiver, v->rule, subject, which);
      else
        {
          add_finding (out, v, kind, subject, lapsed);
          done = true;
        }
      free (v->rule);
      free (v->reason);
    }
  ev->n_cand = 0;
}

/* ---- packages ---------------------------------------------------------- */

static bool
pkg_meta_matches_c (const og_pkg_rule *r, const og_package *p, bool certain)
{
  if (r->type && r->type != p->type)
    return false;
  if (r->arch && !(p->arch && og_name_glob_match (r->arch, p->arch)))
    return false;
  return certain || og_name_glob_match (r->name, p->name ? p->name : "");
}

static bool
pkg_meta_matches (const og_pkg_rule *r, const og_package *p)
{
  return pkg_meta_matches_c (r, p, false);
}

/* What a probe of a package or executable rule list found.  A rule
   matches whole (name and version, or path and digest) or in part (the name
   or path only).  */
typedef struct probe_hits
{
  ssize_t full;      /* lowest rule matching whole */
  ssize_t part;      /* lowest rule matching in part */
  og_rule_hits *all; /* when given: every rule matching whole */
} probe_hits;

/* Rule I matched, WHOLE or in part.  */
static void
probe_note (probe_hits *h, size_t i, bool whole)
{
  ssize_t *lowest = whole ? &h->full : &h->part;
  if (whole && h->all)
    og_idxv_push (h->all, i);
  if (*lowest < 0 || i < (size_t)*lowest)
    *lowest = (ssize_t)i;
}

typedef struct pkg_probe
{
  const og_pkg_rules *rules;
  const og_package *p;
  const char *evr;
  probe_hits h;
} pkg_probe;

static bool
pkg_probe_cb (size_t i, bool certain, void *ud)
{
  pkg_probe *pr = ud;
  const og_pkg_rule *r = &pr->rules->v[i];
  if (!pkg_meta_matches_c (r, pr->p, certain))
    return false;
  probe_note (&pr->h, i,
              r->constraint.n == 0 || og_vconstraint_eval (&r->constraint, pr->p->type, pr->evr));
  return false;
}

static void
probe_pkg (const og_pkg_rules *rules, const og_package *p, const char *evr, og_rule_hits *all,
           pkg_probe *pr)
{
  *pr = (pkg_probe){ rules, p, evr, { -1, -1, all } };
  if (all)
    all->n = 0;
  if (rules->n)
    og_rule_index_candidates (&rules->idx, p->name ? p->name : "", false, pkg_probe_cb, pr);
  if (all)
    hits_sort (all);
}

static void
eval_package (eval *ev, const og_package *p)
{
  const og_manifest *m = ev->m;
  cleanup_free char *evr = og_package_evr (p);
  cleanup_free char *nevra = og_package_nevra (p);
  const char *name = p->name ? p->name : "";
  pkg_probe d, a;

  probe_pkg (&m->pkg_deny, p, evr, &ev->deny_hits, &d);
  for (size_t i = 0; i < ev->deny_hits.n; i++)
    {
      const og_pkg_rule *r = &m->pkg_deny.v[ev->deny_hits.v[i]];
      cand_add (ev, og_xasprintf ("packages.deny[%zu]", r->index),
                og_xasprintf ("package %s is denied by \"%s\"%s%s", name, r->name,
                              r->version ? " " : "", r->version ? r->version : ""));
    }
  probe_pkg (&m->pkg_allow, p, evr, NULL, &a);
  if (a.h.full < 0 && a.h.part >= 0)
    {
      const og_pkg_rule *r = &m->pkg_allow.v[a.h.part];
      cand_add (ev, og_xasprintf ("packages.allow[%zu]", r->index),
                og_xasprintf ("installed version %s of %s does not satisfy \"%s\"", evr, name,
                              r->version));
    }
  else if (a.h.full < 0 && m->pkg_unlisted == OG_SWITCH_DENY)
    cand_add (ev, og_xstrdup ("packages.unlisted"),
              og_xasprintf ("package %s is not allowed by any packages rule", name));
  if (ev->n_cand)
    settle (ev, OG_SUBJECT_PACKAGE, nevra, name, NULL);
}

static void
eval_require (eval *ev, const og_pkg_rule *r)
{
  const og_pkglist *l = &ev->inv->packages;
  const og_package *other = NULL;
  cleanup_free char *subject = NULL;

  for (size_t i = 0; i < l->n; i++)
    {
      const og_package *p = &l->pkgs[i];
      cleanup_free char *evr = NULL;
      char *why;
      if (!pkg_meta_matches (r, p))
        continue;
      evr = r->constraint.n ? og_package_evr (p) : NULL;
      if (evr && !og_vconstraint_eval (&r->constraint, p->type, evr))
        {
          other = p;
          continue;
        }
      if (!r->with_deps || (why = og_require_closure_violation (l, &ev->inv->deps, i)) == NULL)
        return;
      cand_add (ev, og_xasprintf ("packages.require[%zu]", r->index), why);
      settle (ev, OG_SUBJECT_PACKAGE, p->name, r->name, NULL);
      return;
    }
  subject = r->version ? og_xasprintf ("%s %s", r->name, r->version) : og_xstrdup (r->name);
  if (other)
    {
      cleanup_free char *evr = og_package_evr (other);
      cand_add (ev, og_xasprintf ("packages.require[%zu]", r->index),
                og_xasprintf ("required package %s is installed at version %s, which does not "
                              "satisfy \"%s\"",
                              other->name, evr, r->version));
    }
  else
    cand_add (ev, og_xasprintf ("packages.require[%zu]", r->index),
              og_xasprintf ("no installed package matches required \"%s\"", r->name));
  settle (ev, OG_SUBJECT_PACKAGE, subject, r->name, NULL);
}

/* ---- executables ------------------------------------------------------- */

typedef struct exec_probe
{
  const og_exec_rules *rules;
  const og_exec *e;
  probe_hits h;
} exec_probe;

static bool
exec_probe_cb (size_t i, bool certain, void *ud)
{
  exec_probe *pr = ud;
  const og_exec_rule *r = &pr->rules->v[i];
  if (!certain && !og_path_glob_match (r->path, pr->e->path))
    return false;
  probe_note (&pr->h, i,
              r->sha256 == NULL || (pr->e->sha256 && strcmp (r->sha256, pr->e->sha256) == 0));
  return false;
}

static void
probe_exec (const og_exec_rules *rules, const og_exec *e, og_rule_hits *all, exec_probe *pr)
{
  *pr = (exec_probe){ rules, e, { -1, -1, all } };
  if (all)
    all->n = 0;
  if (rules->n)
    og_rule_index_candidates (&rules->idx, e->path, true, exec_probe_cb, pr);
  if (all)
    hits_sort (all);
}

/* "PATH differs from what PKG installed: digest (md5 WANT, now HAVE)".  */
static char *
modified_reason (const og_inventory *inv, const og_exec *e)
{
  const og_verified *v = NULL;
  og_buf b = { 0 };
  const char *sep = ": ";
  for (size_t i = 0; i < inv->n_verified && v == NULL; i++)
    if (inv->verified[i].exec == e - inv->execs)
      v = &inv->verified[i];
  og_buf_printf (&b, "%s differs from what its package %s installed", e->path,
                 e->package >= 0 ? inv->packages.pkgs[e->package].name : "?");
  if (v && (v->differs & OG_DIFF_DIGEST))
    {
      og_buf_printf (&b, "%sdigest (%s %s, now %s)", sep, og_digest_name (v->algo),
                     v->want_digest ? v->want_digest : "?", v->have_digest ? v->have_digest : "?");
      sep = ", ";
    }
  if (v && (v->differs & OG_DIFF_SIZE))
    {
      og_buf_printf (&b, "%ssize (%llu, now %llu)", sep, (unsigned long long)v->want_size,
                     (unsigned long long)v->have_size);
      sep = ", ";
    }
  if (v && (v->differs & OG_DIFF_MODE))
    {
      og_buf_printf (&b, "%smode (%o, now %o)", sep, v->want_mode, v->have_mode);
      sep = ", ";
    }
  if (v && (v->differs & OG_DIFF_USER))
    {
      og_buf_printf (&b, "%suser (%s, now uid %u)", sep, v->want_user, v->have_uid);
      sep = ", ";
    }
  if (v && (v->differs & OG_DIFF_GROUP))
    og_buf_printf (&b, "%sgroup (%s, now gid %u)", sep, v->want_group, v->have_gid);
  return og_buf_steal (&b);
}

/* One finding per concern of an executable, each the first unwaived
   candidate of its group: what it is (rules, ownership), its privileges
   (setuid, setgid, capabilities), its content (pinned digest, package
   digest).  A file that became setuid and changed is two findings.  */
static void
eval_exec (eval *ev, const og_exec *e)
{
  const og_manifest *m = ev->m;
  exec_probe d, a;

  probe_exec (&m->exec_deny, e, &ev->deny_hits, &d);
  for (size_t i = 0; i < ev->deny_hits.n; i++)
    {
      const og_exec_rule *r = &m->exec_deny.v[ev->deny_hits.v[i]];
      cand_add (ev, og_xasprintf ("executables.deny[%zu]", r->index),
                og_xasprintf ("%s is denied by \"%s\"%s", e->path, r->path,
                              r->sha256 ? " (by its sha256)" : ""));
    }
  probe_exec (&m->exec_allow, e, NULL, &a);
  if (m->unowned == OG_SWITCH_DENY && e->package < 0 && a.h.full < 0 && a.h.part < 0)
    cand_add (ev, og_xstrdup ("executables.unowned"),
              og_xasprintf ("%s belongs to no package and no rule allows it", e->path));
  if (m->exec_unlisted == OG_SWITCH_DENY && e->package < 0 && a.h.full < 0 && a.h.part < 0)
    cand_add (ev, og_xstrdup ("executables.unlisted"),
              og_xasprintf ("%s belongs to no package and no executables rule allows it", e->path));
  settle (ev, OG_SUBJECT_EXECUTABLE, e->path, NULL, e->path);

  for (og_priv_kind k = 0; k < OG_PRIV_KINDS; k++)
    {
      char *why = og_priv_violation (m, e, k);
      if (why)
        cand_add (ev, og_xstrdup (og_priv_rule (k)), why);
    }
  settle (ev, OG_SUBJECT_EXECUTABLE, e->path, NULL, e->path);

  if (a.h.full < 0 && a.h.part >= 0)
    {
      const og_exec_rule *r = &m->exec_allow.v[a.h.part];
      cand_add (ev, og_xasprintf ("executables.allow[%zu]", r->index),
                e->sha256
                    ? og_xasprintf ("sha256 %s differs from the pinned %s", e->sha256, r->sha256)
                    : og_xasprintf ("sha256 was not computed; the manifest pins %s", r->sha256));
    }
  if (m->modified == OG_SWITCH_DENY && e->integrity == OG_INTEGRITY_MODIFIED)
    cand_add (ev, og_xstrdup ("executables.modified"), modified_reason (ev->inv, e));
  settle (ev, OG_SUBJECT_EXECUTABLE, e->path, NULL, e->path);
}

/* A packaged file that is gone, one finding each (waivable by its path or
   its package).  */
static void
eval_missing (eval *ev)
{
  const og_inventory *inv = ev->inv;
  for (size_t i = 0; i < inv->n_verified; i++)
    {
      const og_verified *v = &inv->verified[i];
      const char *pkg = inv->packages.pkgs[v->package].name;
      if (v->integrity != OG_INTEGRITY_MISSING)
        continue;
      cand_add (ev, og_xstrdup ("packages.missing_files"),
                og_xasprintf ("%s%s%s%s, installed by package %s, is missing", v->path,
                              v->listed ? " (listed as " : "", v->listed ? v->listed : "",
                              v->listed ? ")" : "", pkg));
      settle (ev, OG_SUBJECT_PACKAGE, v->path, pkg, v->path);
    }
}

/* ---- launch and limits ------------------------------------------------- */

static void
eval_launch (eval *ev, const og_launch_facts *f)
{
  const og_manifest *m = ev->m;
  bool privileged = false;

  if (m->readonly_rootfs == 1 && !f->readonly_rootfs)
    {
      cand_add (ev, og_xstrdup ("launch.readonly_rootfs"),
                og_xstrdup ("the root filesystem is writable; the manifest requires "
                            "root.readonly: true"));
      settle (ev, OG_SUBJECT_LAUNCH, "root.readonly", NULL, NULL);
    }
  for (size_t i = 0; i < ev->inv->n_execs; i++)
    {
      const og_exec *e = &ev->inv->execs[i];
      if (e->setuid || e->setgid || e->capabilities)
        privileged = true;
    }
  if ((m->no_new_privileges == OG_NNP_TRUE
       || (m->no_new_privileges == OG_NNP_WHEN_PRIVILEGED && privileged))
      && !f->no_new_privileges)
    {
      cand_add (ev, og_xstrdup ("launch.no_new_privileges"),
                og_xstrdup (m->no_new_privileges == OG_NNP_TRUE
                                ? "process.noNewPrivileges is not set; the manifest requires it"
                                : "the image has setuid/setgid files or file capabilities and "
                                  "process.noNewPrivileges is not set"));
      settle (ev, OG_SUBJECT_LAUNCH, "process.noNewPrivileges", NULL, NULL);
    }
  if (!m->has_bind_mounts)
    return;
  for (size_t i = 0; i < f->n_bind_sources; i++)
    {
      bool ok = false;
      for (size_t j = 0; j < m->n_allowed_bind_mounts && !ok; j++)
        ok = og_path_glob_match (m->allowed_bind_mounts[j], f->bind_sources[i]);
      if (ok)
        continue;
      cand_add (ev, og_xstrdup ("launch.allowed_bind_mounts"),
                og_xasprintf ("host path %s is bind-mounted and launch.allowed_bind_mounts "
                              "does not list it",
                              f->bind_sources[i]));
      settle (ev, OG_SUBJECT_LAUNCH, f->bind_sources[i], NULL, f->bind_sources[i]);
    }
}

/* packages.database "required": a root in which no package database was
   found cannot be told from one whose database was removed to hide what it
   holds.  */
static void
eval_database (eval *ev)
{
  if (ev->inv->n_dbs > 0)
    return;
  cand_add (ev, og_xstrdup ("packages.database"),
            og_xstrdup ("no package database (rpm, dpkg or apk) was found, and the manifest "
                        "requires one: the image's packages cannot be known; use an image "
                        "that keeps its package database"));
  settle (ev, OG_SUBJECT_PACKAGE, "package database", NULL, NULL);
}

static void
eval_limits (eval *ev)
{
  const og_manifest *m = ev->m;
  if (m->max_packages >= 0 && ev->inv->packages.n > (unsigned long long)m->max_packages)
    {
      cand_add (ev, og_xstrdup ("limits.max_packages"),
                og_xasprintf ("%zu %s, more than the limit of %lld", ev->inv->packages.n,
                              og_plural (ev->inv->packages.n, "package", "packages"),
                              m->max_packages));
      settle (ev, OG_SUBJECT_LIMIT, "packages", NULL, NULL);
    }
  if (m->max_executables >= 0 && ev->inv->n_execs > (unsigned long long)m->max_executables)
    {
      cand_add (ev, og_xstrdup ("limits.max_executables"),
                og_xasprintf ("%zu %s, more than the limit of %lld", ev->inv->n_execs,
                              og_plural (ev->inv->n_execs, "executable", "executables"),
                              m->max_executables));
      settle (ev, OG_SUBJECT_LIMIT, "executables", NULL, NULL);
    }
}

/* ---- inspection -------------------------------------------------------- */

void
og_policy_add_inspection (og_policy_result *r, const char *subject, const char *reason)
{
  og_finding *f;
  og_grow (&r->findings, &r->cap, r->n + 1, sizeof *r->findings);
  f = &r->findings[r->n++];
  memset (f, 0, sizeof *f);
  f->rule = og_xstrdup (OG_RULE_INSPECTION);
  f->subject = og_xstrdup (subject ? subject : "/");
  f->reason = og_xstrdup (reason ? reason : "the inspection could not be completed");
  f->kind = OG_SUBJECT_INSPECTION;
}

/* Could any content, wherever it sits, make this manifest deny?  When not,
   what a mount hides cannot change the verdict.  */
static bool
judges_content (const og_manifest *m)
{
  for (size_t i = 0; i < m->pkg_allow.n; i++)
    if (m->pkg_allow.v[i].version)
      return true;
  /* A rule that pins a sha256 judges content (a deny rule does anyway).  */
  return og_manifest_needs_sha256 (m) || m->pkg_deny.n || m->pkg_require.n
         || m->pkg_unlisted == OG_SWITCH_DENY || m->exec_deny.n
         || m->exec_unlisted == OG_SWITCH_DENY || m->unowned == OG_SWITCH_DENY
         || m->modified == OG_SWITCH_DENY || m->setuid == OG_SWITCH_DENY
         || m->setgid == OG_SWITCH_DENY || m->capabilities == OG_SWITCH_DENY
         || m->no_new_privileges == OG_NNP_WHEN_PRIVILEGED || m->max_packages >= 0
         || m->require_database || m->max_executables >= 0;
}

void
og_policy_judge_skipped (const og_manifest *m, const char *today, const char *path, uint32_t mode,
                         og_policy_result *out)
{
  eval ev = { .m = m, .today = today, .out = out };
  if (!judges_content (m))
    return;
  cand_add (&ev, og_xstrdup (OG_RULE_INSPECTION),
            S_ISDIR (mode)
                ? og_xasprintf ("%s is a mount point: what is under it was not inspected; "
                                "inspect it, or vouch for it with an exception "
                                "{\"rule\": \"inspection\", \"path\": \"%s\"}",
                                path, path)
                : og_xasprintf ("%s is on another mount: it was not inspected; inspect it, or "
                                "vouch for it with an exception "
                                "{\"rule\": \"inspection\", \"path\": \"%s\"}",
                                path, path));
  settle (&ev, OG_SUBJECT_INSPECTION, path, NULL, path);
  free (ev.cand);
}

void
og_policy_evaluate_skipped (const og_manifest *m, const og_inventory *inv, const char *today,
                            og_policy_result *out)
{
  for (size_t i = 0; i < inv->n_skipped; i++)
    {
      const og_skipped *k = &inv->skipped[i];
      /* OG_SKIPPED_EXCLUDED: a runtime's placeholder the hook chose to leave
         out after checking it holds nothing of the image.  */
      if (k->reason == OG_SKIPPED_MOUNT)
        og_policy_judge_skipped (m, today, k->path, k->mode, out);
    }
}

int
og_policy_evaluate (const og_manifest *m, const og_inventory *inv, const og_launch_facts *launch,
                    const char *today, og_policy_result *out, og_error **err)
{
  eval ev = { .m = m, .inv = inv, .today = today, .out = out };

  memset (out, 0, sizeof *out);
  if (today == NULL || strlen (today) != 10)
    return og_error_set (err, EINVAL, "policy: today's date must be YYYY-MM-DD");
  for (size_t i = 0; i < inv->packages.n; i++)
    eval_package (&ev, &inv->packages.pkgs[i]);
  for (size_t i = 0; i < m->pkg_require.n; i++)
    eval_require (&ev, &m->pkg_require.v[i]);
  for (size_t i = 0; i < inv->n_execs; i++)
    eval_exec (&ev, &inv->execs[i]);
  if (m->missing_files == OG_SWITCH_DENY)
    eval_missing (&ev);
  if (m->require_database)
    eval_database (&ev);
  if (launch && launch->known)
    eval_launch (&ev, launch);
  eval_limits (&ev);
  free (ev.cand);
  free (ev.deny_hits.v);
  return 0;
}

/* What to do about an inspection that could not be completed.  */
static const char *
inspection_advice (og_errcode code)
{
  switch (code)
    {
    case OG_ERR_LIMIT:
      return "the image holds more than the inspection reads; make it smaller or simpler, or check "
             "it "
             "offline with `ocigate check`";
    case OG_ERR_DEADLINE:
      return "the inspection ran past deadline_ms; make the image smaller, or raise deadline_ms in "
             "the host config if such images are expected";
    case OG_ERR_CONTENT:
      return "the image holds a file that is not what its format says; rebuild the image";
    case OG_ERR_SYSTEM:
    case OG_ERR_USAGE:
    default:
      return "check the root filesystem with `ocigate check`";
    }
}

void
og_policy_add_inspection_error (og_policy_result *r, const og_error *err, const char *also)
{
  cleanup_free char *reason = og_xasprintf (
      "the inspection could not be completed: %s; %s%s%s", err->msg, inspection_advice (err->code),
      also ? "; the manifest could not be loaded either: " : "", also ? also : "");
  og_policy_add_inspection (r, err->subject ? err->subject : "/", reason);
}
