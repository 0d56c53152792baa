package io.lambdascope.collector.exporter.kafka;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.lambdascope.collector.signal.Signal;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an Export*ServiceRequest into Kafka records of one resource entry each, stamps the tenant,
 * drops invalid items, and splits an entry that is larger than a Kafka message by scope and item.
 *
 * <p>The three OTLP request shapes share their field numbers (request.resource_* = 1,
 * entry.resource = 1, entry.scope_* = 2, scope.items = 2), so one reflective walk serves all.
 */
public final class ResourceSplitter {
  /** Room for the record key's neighbours: headers, batch and record framing. */
  private static final int RECORD_OVERHEAD = 256;
  /** Tag plus the longest length varint of a nested message. */
  private static final int NESTING = 6;

  private ResourceSplitter() {}

  public static SplitResult split(Signal signal, Message request, String tenant, int maxMessageBytes) {
    FieldDescriptor entriesField = request.getDescriptorForType().findFieldByNumber(1);
    int entryCount = request.getRepeatedFieldCount(entriesField);
    List<KafkaRecord> records = new ArrayList<>(entryCount);
    long received = 0;
    long rejected = 0;
    String reason = "";
    for (int i = 0; i < entryCount; i++) {
      Message entry = (Message) request.getRepeatedField(entriesField, i);
      FieldDescriptor resourceField = entry.getDescriptorForType().findFieldByNumber(1);
      FieldDescriptor scopesField = entry.getDescriptorForType().findFieldByNumber(2);
      Resource resource = ResourceStamp.stamp((Resource) entry.getField(resourceField), tenant);
      byte[] key = ResourceStamp.key(resource);

      // Count, and keep only valid items; rebuild the entry only when something was invalid.
      Message.Builder valid = entry.toBuilder().setField(resourceField, resource);
      boolean anyInvalid = false;
      long entryItems = 0;
      int itemMessages = 0;
      List<Message> keptScopes = new ArrayList<>();
      for (int s = 0; s < entry.getRepeatedFieldCount(scopesField); s++) {
        Message scope = (Message) entry.getRepeatedField(scopesField, s);
        FieldDescriptor itemsField = scope.getDescriptorForType().findFieldByNumber(2);
        Message.Builder keptScope = null;
        for (int k = 0; k < scope.getRepeatedFieldCount(itemsField); k++) {
          Message item = (Message) scope.getRepeatedField(itemsField, k);
          long count = signal.itemCount(item);
          received += count;
          String invalid = signal.invalidItem(item);
          if (invalid != null) {
            rejected += count;
            reason = invalid;
            anyInvalid = true;
            if (keptScope == null) {
              keptScope = scope.toBuilder().clearField(itemsField);
              for (int prev = 0; prev < k; prev++) {
                keptScope.addRepeatedField(itemsField, scope.getRepeatedField(itemsField, prev));
              }
            }
            continue;
          }
          if (keptScope != null) {
            keptScope.addRepeatedField(itemsField, item);
          }
          entryItems += count;
          itemMessages++;
        }
        keptScopes.add(keptScope == null ? scope : keptScope.build());
      }
      if (anyInvalid) {
        valid.clearField(scopesField);
        for (Message scope : keptScopes) {
          FieldDescriptor itemsField = scope.getDescriptorForType().findFieldByNumber(2);
          if (scope.getRepeatedFieldCount(itemsField) > 0) {
            valid.addRepeatedField(scopesField, scope);
          }
        }
      }
      if (itemMessages == 0) {
        continue;
      }
      Message stamped = valid.build();
      int limit = maxMessageBytes - RECORD_OVERHEAD - key.length;
      if (stamped.getSerializedSize() + NESTING <= limit) {
        records.add(new KafkaRecord(key, wrap(request, entriesField, stamped), entryItems));
        continue;
      }
      long[] tooLarge = {0};
      for (Chunk chunk : chunks(signal, stamped, scopesField, limit, tooLarge)) {
        records.add(new KafkaRecord(key, wrap(request, entriesField, chunk.entry), chunk.items));
      }
      if (tooLarge[0] > 0) {
        rejected += tooLarge[0];
        reason = "an item is larger than the Kafka message limit of " + maxMessageBytes + " bytes";
      }
    }
    return new SplitResult(records, received, rejected, reason);
  }

  private static byte[] wrap(Message request, FieldDescriptor entriesField, Message entry) {
    return request.getDefaultInstanceForType().newBuilderForType().addRepeatedField(entriesField, entry).build()
        .toByteArray();
  }

  private record Chunk(Message entry, long items) {}

  /** Entries of the same resource, each under {@code limit} bytes; items alone over it are counted out. */
  private static List<Chunk> chunks(
      Signal signal, Message entry, FieldDescriptor scopesField, int limit, long[] tooLarge) {
    List<Chunk> out = new ArrayList<>();
    Message base = entry.toBuilder().clearField(scopesField).build();
    int baseSize = base.getSerializedSize() + NESTING;
    Message.Builder current = null;
    int currentSize = 0;
    long currentItems = 0;
    for (int s = 0; s < entry.getRepeatedFieldCount(scopesField); s++) {
      Message scope = (Message) entry.getRepeatedField(scopesField, s);
      FieldDescriptor itemsField = scope.getDescriptorForType().findFieldByNumber(2);
      Message scopeBase = scope.toBuilder().clearField(itemsField).build();
      int scopeBaseSize = scopeBase.getSerializedSize() + NESTING;
      Message.Builder currentScope = null;
      for (int k = 0; k < scope.getRepeatedFieldCount(itemsField); k++) {
        Message item = (Message) scope.getRepeatedField(itemsField, k);
        int itemSize = item.getSerializedSize() + NESTING;
        if (baseSize + scopeBaseSize + itemSize > limit) {
          tooLarge[0] += signal.itemCount(item);
          continue;
        }
        if (current != null && currentSize + (currentScope == null ? scopeBaseSize : 0) + itemSize > limit) {
          if (currentScope != null) {
            current.addRepeatedField(scopesField, currentScope.build());
            currentScope = null;
          }
          out.add(new Chunk(current.build(), currentItems));
          current = null;
        }
        if (current == null) {
          current = base.toBuilder();
          currentSize = baseSize;
          currentItems = 0;
        }
        if (currentScope == null) {
          currentScope = scopeBase.toBuilder();
          currentSize += scopeBaseSize;
        }
        currentScope.addRepeatedField(itemsField, item);
        currentSize += itemSize;
        currentItems += signal.itemCount(item);
      }
      if (currentScope != null) {
        current.addRepeatedField(scopesField, currentScope.build());
      }
    }
    if (current != null) {
      out.add(new Chunk(current.build(), currentItems));
    }
    return out;
  }
}
