package io.lambdascope.processor.http;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the function name and {@code lambdascope.tenant} of each resource of an input record into
 * the {@link TenantDirectory}. It reads only the resources of the OTLP request (spans and log records
 * are skipped unread), changes nothing and forwards nothing; a record it cannot read is left to the
 * decoders, which count it.
 */
public final class TenantLearner extends ContextualProcessor<byte[], byte[], Void, Void> {
  static final String TENANT = "lambdascope.tenant";
  /** Tags of length-delimited fields 1 and 2: (field number << 3) | wire type. */
  private static final int FIELD_1 = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int FIELD_2 = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private final TenantDirectory directory;

  public TenantLearner(TenantDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.value() == null || record.value().length == 0) {
      return;
    }
    try {
      scan(record.key(), record.value(), directory);
    } catch (IOException | RuntimeException unreadable) {
      // the decoders count it as undecodable
    }
  }

  /**
   * {@code Export(Trace|Logs)ServiceRequest}: field 1 is each resource entry, whose field 1 is the
   * resource, whose field 1 is each attribute ({@code KeyValue}: key 1, {@code AnyValue} 2 with the
   * string in 1). Both requests share that shape.
   */
  static void scan(byte[] key, byte[] value, TenantDirectory directory) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(value);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == FIELD_1) {
        int limit = in.pushLimit(in.readRawVarint32());
        String[] attrs = resourceEntry(in);
        in.popLimit(limit);
        // The decoders' rule for the function: faas.name, else service.name, else the Kafka key.
        String function = attrs[0] != null ? attrs[0]
            : attrs[1] != null ? attrs[1]
            : key != null && key.length > 0 ? new String(key, StandardCharsets.UTF_8) : null;
        if (function != null && attrs[2] != null) {
          directory.learn(function, attrs[2]);
        }
      } else {
        in.skipField(tag);
      }
    }
  }

  /** faas.name, service.name and lambdascope.tenant of one resource entry (null when absent or empty). */
  private static String[] resourceEntry(CodedInputStream in) throws IOException {
    String[] out = new String[3];
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == FIELD_1) {
        int resource = in.pushLimit(in.readRawVarint32());
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == FIELD_1) {
            int kv = in.pushLimit(in.readRawVarint32());
            attribute(in, out);
            in.popLimit(kv);
          } else {
            in.skipField(t);
          }
        }
        in.popLimit(resource);
      } else {
        in.skipField(tag);
      }
    }
    return out;
  }

  private static void attribute(CodedInputStream in, String[] out) throws IOException {
    String name = null;
    String value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == FIELD_1) {
        name = in.readStringRequireUtf8();
      } else if (tag == FIELD_2) {
        int any = in.pushLimit(in.readRawVarint32());
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == FIELD_1) {
            value = in.readStringRequireUtf8();
          } else {
            in.skipField(t);
          }
        }
        in.popLimit(any);
      } else {
        in.skipField(tag);
      }
    }
    if (name == null || value == null || value.isEmpty()) {
      return;
    }
    switch (name) {
      case "faas.name" -> out[0] = value;
      case "service.name" -> out[1] = value;
      case TENANT -> out[2] = value;
      default -> { }
    }
  }
}
