package io.lambdascope.processor.http;

import io.lambdascope.processor.state.LabelBounds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tenant of each function name, learnt from the {@code lambdascope.tenant} the collector stamps
 * on every resource ({@link TenantLearner}), so /api/invocations and /api/findings show a tenant its
 * own functions only.
 *
 * <p>Until decided invocations carry their function's whole identity (tenant, account, region,
 * name), this goes by name, and a name is not unique across tenants: a name seen under two tenants
 * belongs to neither, and only operators see it. So does a name never seen with a tenant, and
 * {@code other} (the functions past the bound). Memory only, per replica, at most {@link #CAPACITY}
 * names (the least recently seen go first).
 */
public final class TenantDirectory {
  static final int CAPACITY = 100_000;
  /** Marks a name seen under more than one tenant. */
  private static final String SHARED = "\u0000shared";

  private final Map<String, String> byFunction = new LinkedHashMap<>(1024, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > CAPACITY;
    }
  };

  /** Records that {@code function} sent a record stamped {@code tenant}. */
  public synchronized void learn(String function, String tenant) {
    String known = byFunction.get(function);
    if (known == null) {
      byFunction.put(function, tenant);
    } else if (!known.equals(tenant) && !known.equals(SHARED)) {
      byFunction.put(function, SHARED);
    }
  }

  /** The one tenant known for {@code function}, or null (unknown, shared, or {@code other}): operators only. */
  public synchronized String tenant(String function) {
    if (function == null || function.equals(LabelBounds.OTHER)) {
      return null;
    }
    String t = byFunction.get(function);
    return t == null || t.equals(SHARED) ? null : t;
  }
}
