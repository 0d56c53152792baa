package io.lambdascope.processor.decode;

import io.lambdascope.processor.decode.OtlpFields.Key;
import io.lambdascope.processor.decode.ProtoReader.Malformed;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of OTLP messages both decoders read in place: attributes (repeated {@code KeyValue}) and
 * resources. Field numbers are those of opentelemetry-proto.
 */
final class OtlpRead {
  private OtlpRead() {}

  /** Reads one item (a span, a log record) of length {@code length} at the cursor; null if it is not one of ours. */
  interface ItemReader<T> {
    T item(ProtoReader r, int length, OtlpAttributes.ResourceFacts resource) throws Malformed, DecodeException;
  }

  /**
   * Walks an OTLP export request: 1 resource_spans / resource_logs, each 1 resource and 2
   * scope_spans / scope_logs, each 2 spans / log_records, handed to {@code items} with their
   * resource (read first, wherever it is in the message).
   */
  static <T> List<T> request(byte[] value, ItemReader<T> items) throws Malformed, DecodeException {
    ProtoReader r = new ProtoReader(value);
    List<T> out = new ArrayList<>(1);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        resourceItems(r, r.length(), items, out);
      } else {
        r.skip(tag & 7);
      }
    }
    return out;
  }

  private static <T> void resourceItems(ProtoReader r, int length, ItemReader<T> items, List<T> out)
      throws Malformed, DecodeException {
    int outer = r.enter(length);
    int start = r.pos;
    OtlpAttributes.ResourceFacts resource = NO_RESOURCE;
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        resource = resource(r, r.length());
      } else {
        r.skip(tag & 7);
      }
    }
    r.pos = start;
    while (r.more()) {
      int tag = r.tag();
      if (tag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        int scopeOuter = r.enter(r.length());
        while (r.more()) {
          int t = r.tag();
          if (t == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
            T item = items.item(r, r.length(), resource);
            if (item != null) {
              out.add(item);
            }
          } else {
            r.skip(t & 7);
          }
        }
        r.leave(scopeOuter);
      } else {
        r.skip(tag & 7);
      }
    }
    r.leave(outer);
  }

  private static final OtlpAttributes.ResourceFacts NO_RESOURCE =
      new OtlpAttributes.ResourceFacts(null, null, null, null, null, null, null, -1, null);

  /** Receives each attribute of interest: its key and where its {@code AnyValue} is. */
  interface Attributes {
    void attribute(Key key, ProtoReader r, int valueStart, int valueEnd) throws Malformed;
  }

  /** Reads one {@code KeyValue} of length {@code length} at the cursor (1 key, 2 value); the cursor ends past it. */
  static void keyValue(ProtoReader r, int length, Attributes into) throws Malformed {
    int outer = r.enter(length);
    int keyStart = -1;
    int keyLength = 0;
    int valueStart = -1;
    int valueEnd = -1;
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        keyLength = r.length();
        keyStart = r.pos;
        r.pos += keyLength;
      } else if (tag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        int n = r.length();
        valueStart = r.pos;
        valueEnd = r.pos + n;
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
    int end = r.limit;
    if (keyStart >= 0 && valueStart >= 0) {
      Key key = OtlpFields.key(r.buf, keyStart, keyLength);
      if (key != null) {
        into.attribute(key, r, valueStart, valueEnd);
      }
    }
    r.pos = end;
    r.leave(outer);
  }

  private static final ResourceCache RESOURCES = new ResourceCache();

  /**
   * What a resource says about the function and environment: {@code Resource} (1 attributes) of
   * length {@code length}; a resource seen lately is recognized by its bytes.
   */
  static OtlpAttributes.ResourceFacts resource(ProtoReader r, int length) throws Malformed {
    OtlpAttributes.ResourceFacts cached = RESOURCES.get(r.buf, r.pos, length);
    if (cached != null) {
      r.pos += length;
      return cached;
    }
    int start = r.pos;
    OtlpAttributes.ResourceFacts facts = read(r, length);
    RESOURCES.put(r.buf, start, length, facts);
    return facts;
  }

  private static OtlpAttributes.ResourceFacts read(ProtoReader r, int length) throws Malformed {
    ResourceBuilder b = new ResourceBuilder();
    int outer = r.enter(length);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
        keyValue(r, r.length(), b);
      } else {
        r.skip(tag & 7);
      }
    }
    r.leave(outer);
    return b.build();
  }

  private static final class ResourceBuilder implements Attributes {
    String tenant;
    String account;
    String region;
    String faasName;
    String serviceName;
    String arn;
    String version;
    String instance;
    long maxMemory = -1;
    String architecture;

    @Override
    public void attribute(Key key, ProtoReader r, int s, int e) throws Malformed {
      switch (key) {
        case TENANT -> tenant = nonEmpty(OtlpFields.string(r, s, e));
        case ACCOUNT -> account = nonEmpty(OtlpFields.string(r, s, e));
        case REGION -> region = nonEmpty(OtlpFields.string(r, s, e));
        case FAAS_NAME -> faasName = nonEmpty(OtlpFields.string(r, s, e));
        case SERVICE_NAME -> serviceName = nonEmpty(OtlpFields.string(r, s, e));
        case RESOURCE_ID, INVOKED_ARN -> arn = arn == null ? nonEmpty(OtlpFields.string(r, s, e)) : arn;
        case VERSION -> version = nonEmpty(OtlpFields.string(r, s, e));
        case INSTANCE -> instance = nonEmpty(OtlpFields.string(r, s, e));
        case MAX_MEMORY -> maxMemory = OtlpFields.number(r, s, e);
        case HOST_ARCH -> architecture = nonEmpty(OtlpFields.string(r, s, e));
        default -> { }
      }
    }

    OtlpAttributes.ResourceFacts build() {
      return new OtlpAttributes.ResourceFacts(tenant, account, region, faasName != null ? faasName : serviceName, arn,
          version, instance, maxMemory, architecture);
    }
  }

  static String nonEmpty(String v) {
    return v == null || v.isEmpty() ? null : v;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static String hex(byte[] buf, int start, int length) {
    char[] out = new char[length * 2];
    for (int i = 0; i < length; i++) {
      int b = buf[start + i] & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }
}
