/* The string hash map: growth, lookups, replacement, NULL values.  */
#include "fixtures.h"

#include "base/strmap.h"
#include "base/util.h"

static void
test_put_get_grow (void **state)
{
  og_strmap m = { 0 };
  char key[32];
  for (uintptr_t i = 0; i < 5000; i++)
    {
      snprintf (key, sizeof key, "/usr/bin/p%lu", (unsigned long)i);
      assert_null (og_strmap_put (&m, key, (void *)(i + 1)));
    }
  assert_int_equal (m.n, 5000);
  for (uintptr_t i = 0; i < 5000; i++)
    {
      snprintf (key, sizeof key, "/usr/bin/p%lu", (unsigned long)i);
      assert_int_equal ((uintptr_t)og_strmap_get (&m, key), i + 1);
    }
  assert_null (og_strmap_get (&m, "/usr/bin/p5000"));
  assert_int_equal ((uintptr_t)og_strmap_put (&m, "/usr/bin/p7", (void *)99), 8);
  assert_int_equal ((uintptr_t)og_strmap_get (&m, "/usr/bin/p7"), 99);
  og_strmap_put (&m, "null", NULL);
  assert_true (og_strmap_has (&m, "null"));
  assert_false (og_strmap_has (&m, "absent"));
  {
    void **v = og_strmap_value (&m, "null");
    assert_non_null (v);
    assert_null (*v);
    *v = (void *)5;
    assert_int_equal ((uintptr_t)og_strmap_get (&m, "null"), 5);
    assert_null (og_strmap_value (&m, "absent"));
  }
  og_strmap_clear (&m, NULL);
  assert_null (og_strmap_get (&m, "null"));
  assert_null (og_strmap_value (&m, "null"));
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_put_get_grow));
