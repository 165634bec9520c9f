/* Checks of a loaded manifest across its lists: an allow entry that a deny
   entry always beats can never apply, which is a mistake worth a diagnostic.  */
#include "policy/glob.h"
#include "policy/lint.h"

typedef struct hide_ud
{
  const og_manifest *m;
  const char *subject;
  const og_pkg_rule *allow;
  ssize_t hit;
} hide_ud;

static bool
pkg_hide_cb (size_t rule, bool certain, void *p)
{
  hide_ud *u = p;
  const og_pkg_rule *d = &u->m->pkg_deny.v[rule];
  if (d->version || (d->type && d->type != u->allow->type))
    return false;
  if (d->arch && !(u->allow->arch && strcmp (d->arch, u->allow->arch) == 0))
    return false;
  if (certain || og_name_glob_match (d->name, u->subject) || strcmp (d->name, u->allow->name) == 0)
    {
      if (u->hit < 0 || rule < (size_t)u->hit)
        u->hit = (ssize_t)rule;
    }
  return false;
}

static bool
exec_hide_cb (size_t rule, bool certain, void *p)
{
  hide_ud *u = p;
  const og_exec_rule *d = &u->m->exec_deny.v[rule];
  if (d->sha256)
    return false;
  if (certain || og_path_glob_match (d->path, u->subject))
    if (u->hit < 0 || rule < (size_t)u->hit)
      u->hit = (ssize_t)rule;
  return false;
}

/* The diagnostic of SECTION.allow[ALLOW] "APAT", which SECTION.deny[DENY]
   "DPAT" hides, at the allow entry (below the loader's pointer).  */
static void
hidden_diag (og_jload *c, const char *section, size_t allow, const char *apat, size_t deny,
             const char *dpat, const char *denies)
{
  size_t save = og_jload_push (c, section);
  og_jload_push (c, "allow");
  og_jload_push_index (c, allow);
  og_jload_diag (c, false,
                 "%s.allow[%zu] \"%s\" can never apply: %s.deny[%zu] \"%s\" %s "
                 "(deny beats allow)",
                 section, allow, apat, section, deny, dpat, denies);
  og_jload_pop (c, save);
}

void
og_manifest_lint_hidden (const og_manifest *m, og_jload *c)
{
  for (size_t i = 0; i < m->pkg_allow.n; i++)
    {
      const og_pkg_rule *a = &m->pkg_allow.v[i];
      cleanup_free char *lit = og_glob_literal (a->name);
      hide_ud u = { m, lit ? lit : a->name, a, -1 };
      if (lit)
        og_rule_index_candidates (&m->pkg_deny.idx, lit, false, pkg_hide_cb, &u);
      else
        for (size_t j = 0; j < m->pkg_deny.n; j++)
          if (strcmp (m->pkg_deny.v[j].name, a->name) == 0)
            pkg_hide_cb (j, true, &u);
      if (u.hit < 0)
        continue;
      hidden_diag (c, "packages", a->index, a->name, m->pkg_deny.v[u.hit].index,
                   m->pkg_deny.v[u.hit].name, "denies every package it names");
    }
  for (size_t i = 0; i < m->exec_allow.n; i++)
    {
      const og_exec_rule *a = &m->exec_allow.v[i];
      cleanup_free char *lit = og_glob_literal (a->path);
      hide_ud u = { m, lit ? lit : a->path, NULL, -1 };
      if (lit)
        og_rule_index_candidates (&m->exec_deny.idx, lit, true, exec_hide_cb, &u);
      else
        for (size_t j = 0; j < m->exec_deny.n; j++)
          if (strcmp (m->exec_deny.v[j].path, a->path) == 0)
            exec_hide_cb (j, true, &u);
      if (u.hit < 0)
        continue;
      hidden_diag (c, "executables", a->index, a->path, m->exec_deny.v[u.hit].index,
                   m->exec_deny.v[u.hit].path, "denies it");
    }
}
