/* test-claims.c — claims, leases and pops, on every backend. */
#include "config.h"

#include <string.h>

#include "store-fixture.h"

static void
fill (KvStore *store, const char *prefix, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s%03d", prefix, i);
      g_autofree char *value = g_strdup_printf ("{\"n\":%d}", i);
      g_assert_true (kv_store_set (store, key, value, strlen (value), NULL));
    }
}

static KvClaimRef
ref_of (const KvClaim *claim)
{
  return (KvClaimRef){ kv_claim_get_id (claim), kv_claim_get_key (claim),
                       kv_claim_get_token (claim) };
}

static gboolean
key_exists (KvStore *store, const char *key)
{
  gboolean exists = FALSE;
  g_assert_true (kv_store_exists (store, key, &exists, NULL));
  return exists;
}

static void
test_claim_random_fields (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvClaim) claim = NULL;
  gint64 before = g_get_real_time () / 1000;

  claim = kv_store_claim_random (f->store, "job:", "worker-1", 5000, &error);
  g_assert_no_error (error);
  g_assert_null (claim); /* nothing to claim is not an error */

  fill (f->store, "job:", 1);
  claim = kv_store_claim_random (f->store, "job:", "worker-1", 5000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (claim);
  g_assert_cmpstr (kv_claim_get_key (claim), ==, "job:000");
  g_assert_cmpstr (kv_claim_get_owner (claim), ==, "worker-1");
  g_assert_cmpuint (strlen (kv_claim_get_id (claim)), >, 0);
  g_assert_cmpuint (kv_claim_get_token (claim), >, 0);
  g_assert_cmpint (kv_claim_get_expires_at (claim), >=, before + 5000);
  g_assert_cmpint (kv_claim_get_expires_at (claim), <=, g_get_real_time () / 1000 + 5000);
  g_assert_cmpstr (g_bytes_get_data (kv_claim_get_value (claim), NULL), ==, "{\"n\":0}");

  /* A live claim hides the key from claimRandom and popRandom, not from reads. */
  {
    g_autoptr (KvClaim) second = kv_store_claim_random (f->store, "job:", NULL, 0, &error);
    g_autoptr (KvEntry) popped = kv_store_pop_random (f->store, "job:", &error);
    g_assert_no_error (error);
    g_assert_null (second);
    g_assert_null (popped);
    g_assert_true (key_exists (f->store, "job:000"));
  }
}

static void
test_tokens_increase (StoreFixture *f, gconstpointer data)
{
  guint64 last = 0;

  fill (f->store, "t:", 5);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (KvClaim) c = kv_store_claim_random (f->store, "t:", NULL, 0, NULL);
      g_assert_nonnull (c);
      if (last)
        g_assert_cmpuint (kv_claim_get_token (c), ==, last + 1); /* one per claim, store-wide */
      last = kv_claim_get_token (c);
    }
}

static void
test_release_and_complete (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) b = NULL;
  KvClaimRef ref, wrong;
  gboolean done = FALSE;

  fill (f->store, "r:", 1);
  a = kv_store_claim_key (f->store, "r:000", NULL, 0, &error);
  ref = ref_of (a);

  wrong = ref;
  wrong.token++;
  g_assert_true (kv_store_release_claim (f->store, &wrong, &done, &error));
  g_assert_false (done);
  wrong = ref;
  wrong.id = "not-the-id";
  g_assert_true (kv_store_release_claim (f->store, &wrong, &done, &error));
  g_assert_false (done);

  g_assert_true (kv_store_release_claim (f->store, &ref, &done, &error));
  g_assert_true (done);
  g_assert_true (kv_store_release_claim (f->store, &ref, &done, &error)); /* stale now */
  g_assert_false (done);
  g_assert_true (kv_store_complete_claim (f->store, &ref, TRUE, &done, &error));
  g_assert_false (done);
  g_assert_true (key_exists (f->store, "r:000"));

  /* Released keys are claimable again; completing deletes by default. */
  b = kv_store_claim_random (f->store, "r:", NULL, 0, &error);
  g_assert_nonnull (b);
  g_assert_cmpuint (kv_claim_get_token (b), >, kv_claim_get_token (a));
  ref = ref_of (b);
  g_assert_true (kv_store_complete_claim (f->store, &ref, TRUE, &done, &error));
  g_assert_true (done);
  g_assert_false (key_exists (f->store, "r:000"));
  g_assert_no_error (error);
}

static void
test_complete_keep_key (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) b = NULL;
  KvClaimRef ref;
  gboolean done = FALSE;

  fill (f->store, "k:", 1);
  a = kv_store_claim_key (f->store, "k:000", NULL, 0, NULL);
  ref = ref_of (a);
  g_assert_true (kv_store_complete_claim (f->store, &ref, FALSE, &done, NULL));
  g_assert_true (done);
  g_assert_true (key_exists (f->store, "k:000"));
  b = kv_store_claim_key (f->store, "k:000", NULL, 0, NULL); /* the claim is gone */
  g_assert_nonnull (b);
}

static void
test_expiry_and_renew (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) b = NULL;
  g_autoptr (KvClaim) c = NULL;
  KvClaimRef ref;
  gboolean done = FALSE;
  KvAllocationStats st;

  fill (f->store, "e:", 2);
  /* Long enough to outlive the next three calls under sanitizers on a busy
   * machine (30 ms did not, with a disk commit each). */
  a = kv_store_claim_key (f->store, "e:000", NULL, 1500, NULL);
  b = kv_store_claim_key (f->store, "e:001", NULL, 60000, NULL);
  ref = ref_of (b);
  g_assert_true (kv_store_renew_claim (f->store, &ref, 120000, &done, NULL));
  g_assert_true (done);
  g_assert_true (kv_store_allocation_stats (f->store, "e:", &st, NULL));
  g_assert_cmpuint (st.total, ==, 2);
  g_assert_cmpuint (st.claimed_live, ==, 2);
  g_assert_cmpuint (st.claimable, ==, 0);

  g_usleep (1600 * 1000);
  g_assert_true (kv_store_allocation_stats (f->store, "e:", &st, NULL));
  g_assert_cmpuint (st.claimed_live, ==, 1);
  g_assert_cmpuint (st.claimed_expired, ==, 1);
  g_assert_cmpuint (st.claimable, ==, 1); /* expired claims count as claimable */

  /* An expired claim can no longer be renewed, released or completed... */
  ref = ref_of (a);
  g_assert_true (kv_store_renew_claim (f->store, &ref, 1000, &done, NULL));
  g_assert_false (done);
  g_assert_true (kv_store_release_claim (f->store, &ref, &done, NULL));
  g_assert_false (done);
  /* ...and its key is claimable again, by random choice too. */
  c = kv_store_claim_random (f->store, "e:", NULL, 0, NULL);
  g_assert_nonnull (c);
  g_assert_cmpstr (kv_claim_get_key (c), ==, "e:000");
  g_assert_true (kv_store_complete_claim (f->store, &ref, TRUE, &done, NULL));
  g_assert_false (done);
  g_assert_true (key_exists (f->store, "e:000"));
}

static void
test_claim_keys (StoreFixture *f, gconstpointer data)
{
  const char *keys[] = { "c:000", "c:001", "c:missing", "c:002" };
  const char *dup[] = { "c:000", "c:000" };
  const char *empty[] = { "c:000", "" };
  g_autoptr (GError) error = NULL;
  g_autoptr (KvClaim) held = NULL;
  GPtrArray *claimed = NULL, *busy = NULL, *missing = NULL;
  KvAllocationStats st;

  fill (f->store, "c:", 3);
  held = kv_store_claim_key (f->store, "c:001", "other", 0, &error);

  /* All or nothing: one busy key and one missing key mean nothing is claimed. */
  g_assert_true (kv_store_claim_keys (f->store, keys, 4, "me", 0, TRUE, &claimed, &busy, &missing,
                                      NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 0);
  g_assert_cmpuint (busy->len, ==, 1);
  g_assert_cmpstr (busy->pdata[0], ==, "c:001");
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (missing->pdata[0], ==, "c:missing");
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_clear_pointer (&busy, g_ptr_array_unref);
  g_clear_pointer (&missing, g_ptr_array_unref);
  g_assert_true (kv_store_allocation_stats (f->store, "c:", &st, NULL));
  g_assert_cmpuint (st.claimed_live, ==, 1);

  /* Best effort: the free keys are claimed. */
  g_assert_true (kv_store_claim_keys (f->store, keys, 4, "me", 0, FALSE, &claimed, &busy, &missing,
                                      NULL, &error));
  g_assert_cmpuint (claimed->len, ==, 2);
  g_assert_cmpstr (kv_claim_get_owner (claimed->pdata[0]), ==, "me");
  g_assert_cmpuint (busy->len, ==, 1);
  g_assert_cmpuint (missing->len, ==, 1);
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_clear_pointer (&busy, g_ptr_array_unref);
  g_clear_pointer (&missing, g_ptr_array_unref);

  g_assert_false (kv_store_claim_keys (f->store, dup, 2, NULL, 0, FALSE, &claimed, &busy, &missing,
                                       NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  {
    g_autoptr (GPtrArray) items = NULL;
    g_assert_false (kv_store_claim_keys (f->store, empty, 2, NULL, 0, FALSE, &claimed, &busy,
                                         &missing, &items, &error));
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpstr (((KvItemError *) items->pdata[0])->name, ==, "EmptyKey");
  }
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

/* A refused allOrNothing batch uses up no token: tokens grow by one per claim. */
static void
test_vetoed_batch_spends_no_token (StoreFixture *f, gconstpointer data)
{
  const char *keys[] = { "v:001", "v:002", "v:000" };
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) d = NULL;
  GPtrArray *claimed = NULL, *busy = NULL, *missing = NULL;

  fill (f->store, "v:", 4);
  a = kv_store_claim_key (f->store, "v:000", NULL, 0, NULL);
  g_assert_true (kv_store_claim_keys (f->store, keys, 3, NULL, 0, TRUE, &claimed, &busy, &missing,
                                      NULL, NULL));
  g_assert_cmpuint (claimed->len, ==, 0);
  g_assert_cmpuint (busy->len, ==, 1);
  g_ptr_array_unref (claimed);
  g_ptr_array_unref (busy);
  g_ptr_array_unref (missing);
  d = kv_store_claim_key (f->store, "v:003", NULL, 0, NULL);
  g_assert_cmpuint (kv_claim_get_token (d), ==, kv_claim_get_token (a) + 1);

  /* And an accepted one numbers its claims consecutively, in key order. */
  keys[2] = "v:003";
  g_assert_true (kv_store_complete_claim (
      f->store, &(KvClaimRef){ kv_claim_get_id (d), "v:003", kv_claim_get_token (d) }, FALSE, NULL,
      NULL));
  g_assert_true (kv_store_claim_keys (f->store, keys, 3, NULL, 0, TRUE, &claimed, &busy, &missing,
                                      NULL, NULL));
  g_assert_cmpuint (claimed->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (kv_claim_get_token (claimed->pdata[i]), ==, kv_claim_get_token (d) + 1 + i);
  g_ptr_array_unref (claimed);
  g_ptr_array_unref (busy);
  g_ptr_array_unref (missing);
}

static void
test_claim_key (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) b = NULL;
  g_autoptr (KvClaim) c = NULL;

  fill (f->store, "x:", 1);
  a = kv_store_claim_key (f->store, "x:missing", NULL, 0, &error);
  g_assert_null (a);
  g_assert_no_error (error);
  b = kv_store_claim_key (f->store, "x:000", NULL, 0, &error);
  g_assert_nonnull (b);
  c = kv_store_claim_key (f->store, "x:000", NULL, 0, &error); /* busy */
  g_assert_null (c);
  g_assert_no_error (error);
  g_assert_null (kv_store_claim_key (f->store, "", NULL, 0, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

static void
test_batch_refs (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claims = NULL;
  g_autoptr (GPtrArray) failed = NULL;
  KvClaimRef refs[4];
  KvClaimRef bad[1] = { { "", "k", 1 } };
  guint64 done = 0;
  KvItemError *item;

  fill (f->store, "b:", 3);
  claims = kv_store_claim_random_many (f->store, "b:", 10, "w", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claims->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    refs[i] = ref_of (claims->pdata[i]);
  refs[3] = refs[0];
  refs[3].token += 1000; /* never issued */

  g_assert_true (kv_store_renew_claims (f->store, refs, 4, 60000, &done, &failed, &error));
  g_assert_cmpuint (done, ==, 3);
  g_assert_cmpuint (failed->len, ==, 1);
  item = failed->pdata[0];
  g_assert_cmpuint (item->index, ==, 3);
  g_assert_cmpstr (item->name, ==, "ClaimNotUpdated");
  g_assert_cmpstr (item->id, ==, refs[3].id);
  g_assert_cmpstr (item->key, ==, refs[3].key);
  g_clear_pointer (&failed, g_ptr_array_unref);

  g_assert_true (kv_store_release_claims (f->store, refs, 1, &done, &failed, &error));
  g_assert_cmpuint (done, ==, 1);
  g_clear_pointer (&failed, g_ptr_array_unref);
  g_assert_true (kv_store_complete_claims (f->store, refs, 3, TRUE, &done, &failed, &error));
  g_assert_cmpuint (done, ==, 2); /* the first was released already */
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_true (key_exists (f->store, refs[0].key));
  g_assert_false (key_exists (f->store, refs[1].key));

  g_clear_pointer (&failed, g_ptr_array_unref);
  g_assert_false (kv_store_release_claims (f->store, bad, 1, &done, &failed, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_cmpuint (failed->len, ==, 1); /* the malformed ref, named */
  g_assert_cmpstr (((KvItemError *) failed->pdata[0])->name, ==, "InvalidEntries");
}

static void
test_validation (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  char owner[KV_CLAIM_MAX_OWNER_LENGTH + 2];

  fill (f->store, "v:", 1);
  g_assert_null (kv_store_claim_random (f->store, NULL, NULL, -1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_null (kv_store_claim_random (f->store, NULL, NULL, KV_CLAIM_MAX_TTL_MS + 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  memset (owner, 'o', sizeof owner - 1);
  owner[sizeof owner - 1] = '\0';
  g_assert_null (kv_store_claim_random (f->store, NULL, owner, 0, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  owner[KV_CLAIM_MAX_OWNER_LENGTH] = '\0';
  {
    g_autoptr (KvClaim) ok =
        kv_store_claim_random (f->store, NULL, owner, KV_CLAIM_MAX_TTL_MS, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ok);
  }
  g_assert_null (kv_store_claim_random_many (f->store, NULL, 0, NULL, 0, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_null (kv_store_pop_random_many (f->store, NULL, KV_CLAIM_MANY_MAX + 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

static void
test_pop (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvEntry) one = NULL;
  g_autoptr (GPtrArray) many = NULL;
  g_autoptr (KvClaim) held = NULL;
  guint64 n = 0;

  fill (f->store, "p:", 10);
  fill (f->store, "q:", 2);
  held = kv_store_claim_key (f->store, "p:009", NULL, 0, NULL);
  one = kv_store_pop_random (f->store, "p:", &error);
  g_assert_nonnull (one);
  g_assert_true (g_str_has_prefix (kv_entry_get_key (one), "p:"));
  g_assert_false (key_exists (f->store, kv_entry_get_key (one)));
  many = kv_store_pop_random_many (f->store, "p:", 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (many->len, ==, 8); /* p:009 is claimed: not popped */
  g_assert_true (kv_store_count (f->store, "p:", &n, NULL));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (kv_store_count (f->store, "q:", &n, NULL));
  g_assert_cmpuint (n, ==, 2);
}

static void
test_delete_drops_claim (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) b = NULL;
  g_autofree char *stats = NULL;

  fill (f->store, "d:", 1);
  a = kv_store_claim_key (f->store, "d:000", NULL, 0, NULL);
  stats = kv_store_dup_stats_json (f->store, NULL);
  g_assert_nonnull (strstr (stats, "\"claims\":{\"expired\":0,\"live\":1}"));
  g_assert_true (kv_store_delete (f->store, "d:000", NULL));
  fill (f->store, "d:", 1);
  b = kv_store_claim_key (f->store, "d:000", NULL, 0, NULL);
  g_assert_nonnull (b); /* the claim died with the key */
}

static void
test_list_claims (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvClaim) a = NULL;
  g_autoptr (KvClaim) b = NULL;
  g_autoptr (KvClaim) c = NULL;
  g_autoptr (GPtrArray) live = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GError) error = NULL;

  fill (f->store, "l:", 4);
  b = kv_store_claim_key (f->store, "l:002", "w2", 60000, NULL);
  a = kv_store_claim_key (f->store, "l:000", "w0", 60000, NULL);
  c = kv_store_claim_key (f->store, "l:003", NULL, 1, NULL);
  g_usleep (20 * 1000); /* c expires */
  live = kv_store_list_claims (f->store, "l:", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (live->len, ==, 2);
  g_assert_cmpstr (kv_claim_get_key (live->pdata[0]), ==, "l:000"); /* key order */
  g_assert_cmpstr (kv_claim_get_owner (live->pdata[0]), ==, "w0");
  g_assert_cmpstr (kv_claim_get_id (live->pdata[1]), ==, kv_claim_get_id (b));
  g_assert_cmpuint (kv_claim_get_token (live->pdata[1]), ==, kv_claim_get_token (b));
  g_assert_null (kv_claim_get_value (live->pdata[0]));
  all = kv_store_list_claims (f->store, NULL, TRUE, &error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (kv_claim_get_key (all->pdata[2]), ==, "l:003");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("claims/random-fields", test_claim_random_fields);
  STORE_TEST_ADD ("claims/tokens-increase", test_tokens_increase);
  STORE_TEST_ADD ("claims/release-complete", test_release_and_complete);
  STORE_TEST_ADD ("claims/complete-keep-key", test_complete_keep_key);
  STORE_TEST_ADD ("claims/expiry-renew", test_expiry_and_renew);
  STORE_TEST_ADD ("claims/claim-keys", test_claim_keys);
  STORE_TEST_ADD ("claims/claim-key", test_claim_key);
  STORE_TEST_ADD ("claims/vetoed-batch-no-token", test_vetoed_batch_spends_no_token);
  STORE_TEST_ADD ("claims/batch-refs", test_batch_refs);
  STORE_TEST_ADD ("claims/validation", test_validation);
  STORE_TEST_ADD ("claims/pop", test_pop);
  STORE_TEST_ADD ("claims/delete-drops-claim", test_delete_drops_claim);
  STORE_TEST_ADD ("claims/list-claims", test_list_claims);
  return g_test_run ();
}
