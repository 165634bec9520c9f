/* What every source shares: its description and how it is freed.  */
#include "source/source.h"
#include "base/util.h"

void
og_source_info_clear (og_source_info *info)
{
  free (info->kind);
  free (info->path);
  free (info->config_digest);
  free (info->manifest_digest);
  og_strv_free (info->tags, info->n_tags);
  og_strv_free (info->layers, info->n_layers);
  og_strv_free (info->command, info->n_command);
  free (info->command_path);
  memset (info, 0, sizeof *info);
}

void
og_source_free (og_source *s)
{
  if (s == NULL)
    return;
  s->ops->free (s); /* each source clears its info too */
}
