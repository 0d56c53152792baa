package io.lambdascope.agent.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/** A function that bundles its own Jackson, protobuf, OpenTelemetry API and ASM, and uses each per call. */
public final class OwnLibraries implements RequestHandler<Map<String, Object>, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
        try {
            Span span = GlobalOpenTelemetry.getTracer("fn").spanBuilder("work").startSpan();
            span.end();
            KeyValue kv = KeyValue.newBuilder().setKey("name")
                    .setValue(AnyValue.newBuilder().setStringValue(String.valueOf(input.get("name")))).build();
            KeyValue parsed = KeyValue.parseFrom(kv.toByteArray());
            ClassWriter cw = new ClassWriter(0);
            cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "Generated", null, "java/lang/Object", null);
            int classBytes = cw.toByteArray().length;
            return MAPPER.writeValueAsString(Map.of("proto", parsed.getValue().getStringValue(),
                    "asm", classBytes > 0, "otelValid", span.getSpanContext().isValid()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
