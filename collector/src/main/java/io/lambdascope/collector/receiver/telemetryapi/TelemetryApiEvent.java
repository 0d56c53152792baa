package io.lambdascope.collector.receiver.telemetryapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * One event as the Telemetry API posts it. Read leniently: a field whose JSON type is not the
 * schema's reads as absent, because docs/telemetry.md section 2 leaves such a value out rather
 * than refusing the batch.
 *
 * @param time ISO-8601
 * @param type {@code platform.report}, {@code platform.initStart}, ... or {@code lambdascope.throttle}
 * @param record the event's details, kept whole as the log record's body
 */
record TelemetryApiEvent(String time, String type, JsonNode record) {

  /** The fields of {@code record} that become attributes. */
  record PlatformRecord(String requestId, String status, String errorType, String initializationType, String reason,
      ReportMetrics metrics) {}

  /** {@code record.metrics} of {@code platform.report} and {@code platform.runtimeDone}. */
  record ReportMetrics(Double durationMs, Double billedDurationMs, Double initDurationMs, Double memorySizeMB,
      Double maxMemoryUsedMB) {}

  /** A mapper for these records on {@code factory}; unknown fields are ignored. */
  static ObjectMapper mapper(JsonFactory factory) {
    SimpleModule lenient = new SimpleModule("telemetry-api-lenient")
        .addDeserializer(String.class, new TextOrAbsent())
        .addDeserializer(Double.class, new NumberOrAbsent())
        .setDeserializerModifier(new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config, BeanDescription bean, JsonDeserializer<?> deserializer) {
            return bean.getBeanClass().isRecord() ? new ObjectOrAbsent(deserializer) : deserializer;
          }
        });
    return JsonMapper.builder(factory)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(lenient)
        .build();
  }

  /** A JSON string; any other value is absent. */
  private static final class TextOrAbsent extends StdDeserializer<String> {
    TextOrAbsent() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      p.skipChildren();
      return null;
    }
  }

  /** A JSON number; any other value, a numeric string too, is absent. */
  private static final class NumberOrAbsent extends StdDeserializer<Double> {
    NumberOrAbsent() {
      super(Double.class);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken().isNumeric()) {
        return p.getDoubleValue();
      }
      p.skipChildren();
      return null;
    }
  }

  /** A JSON object bound to a record; any other value is absent. */
  private static final class ObjectOrAbsent extends DelegatingDeserializer {
    ObjectOrAbsent(JsonDeserializer<?> record) {
      super(record);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new ObjectOrAbsent(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        return null;
      }
      return super.deserialize(p, ctxt);
    }
  }
}
