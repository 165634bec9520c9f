/* The inventory's counters as a JSON object: one table of names, written in
   one order, of which each document picks its own set (the inventory, the
   check result, the audit record).  */
#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "output/output.h"

static const struct
{
  const char *name;
  size_t offset;
  unsigned field;
} counters[] = {
  { "packages", offsetof (og_inventory_summary, packages), OG_SUMMARY_PACKAGES },
  { "executables", offsetof (og_inventory_summary, executables), OG_SUMMARY_EXECUTABLES },
  { "elf", offsetof (og_inventory_summary, elf), OG_SUMMARY_KINDS },
  { "scripts", offsetof (og_inventory_summary, scripts), OG_SUMMARY_KINDS },
  { "other", offsetof (og_inventory_summary, other), OG_SUMMARY_KINDS },
  { "setuid", offsetof (og_inventory_summary, setuid), OG_SUMMARY_PRIVILEGE },
  { "setgid", offsetof (og_inventory_summary, setgid), OG_SUMMARY_PRIVILEGE },
  { "capabilities", offsetof (og_inventory_summary, capabilities), OG_SUMMARY_PRIVILEGE },
  { "owned", offsetof (og_inventory_summary, owned), OG_SUMMARY_OWNED },
  { "unowned", offsetof (og_inventory_summary, unowned), OG_SUMMARY_UNOWNED },
  { "modified", offsetof (og_inventory_summary, modified), OG_SUMMARY_MODIFIED },
  { "skipped", offsetof (og_inventory_summary, skipped), OG_SUMMARY_SKIPPED },
  { "files", offsetof (og_inventory_summary, files), OG_SUMMARY_FILES },
};

void
og_summary_write (og_jw *w, const char *key, const og_inventory_summary *s, unsigned fields)
{
  og_jw_str (w, key);
  if (s == NULL)
    {
      yajl_gen_null (w->g);
      return;
    }
  yajl_gen_map_open (w->g);
  for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
    if (fields & counters[i].field)
      og_jw_kint (w, counters[i].name,
                  (long long)*(const size_t *)((const char *)s + counters[i].offset));
  yajl_gen_map_close (w->g);
}
