package io.lambdascope.collector.exporter.kafka;

import io.lambdascope.collector.signal.KeyValues;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;

/** The resource attributes the collector owns (the tenant) and reads (the Kafka key). */
final class ResourceStamp {
  static final String TENANT = "lambdascope.tenant";

  private ResourceStamp() {}

  /** The resource with every client-sent {@code lambdascope.tenant} replaced by ours. */
  static Resource stamp(Resource resource, String tenant) {
    Resource.Builder b = resource.toBuilder();
    for (int i = b.getAttributesCount() - 1; i >= 0; i--) {
      if (TENANT.equals(b.getAttributes(i).getKey())) {
        b.removeAttributes(i);
      }
    }
    b.addAttributes(KeyValues.string(TENANT, tenant));
    return b.build();
  }

  /**
   * The Kafka key of a stamped resource, as UTF-8: {@code <tenant>/<cloud.account.id>/<cloud.region>/<name>},
   * the name being {@code faas.name}, else {@code service.name}; a missing part is empty. One
   * function's spans and platform events share a key, so a partition; the same function name in
   * two accounts or regions does not.
   */
  static byte[] key(Resource resource) {
    String faasName = stringAttribute(resource, "faas.name");
    String name = faasName != null ? faasName : stringAttribute(resource, "service.name");
    String key = orEmpty(stringAttribute(resource, TENANT)) + '/' + orEmpty(stringAttribute(resource, "cloud.account.id"))
        + '/' + orEmpty(stringAttribute(resource, "cloud.region")) + '/' + orEmpty(name);
    return key.getBytes(StandardCharsets.UTF_8);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String stringAttribute(Resource resource, String key) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (key.equals(kv.getKey()) && kv.getValue().hasStringValue() && !kv.getValue().getStringValue().isEmpty()) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
