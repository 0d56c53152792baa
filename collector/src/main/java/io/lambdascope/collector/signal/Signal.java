package io.lambdascope.collector.signal;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * The kinds of data the collector takes: what the request message is, what one item is, and how
 * an answer with a partial success looks. {@code PLATFORM} is Lambda platform events, written as logs.
 */
public enum Signal {
  TRACES("traces", ExportTraceServiceRequest.getDefaultInstance()) {
    @Override
    public long itemCount(Message item) {
      return 1;
    }

    @Override
    public String invalidItem(Message item) {
      Span span = (Span) item;
      if (span.getTraceId().size() != 16) {
        return "trace_id must be 16 bytes";
      }
      if (span.getSpanId().size() != 8) {
        return "span_id must be 8 bytes";
      }
      int parent = span.getParentSpanId().size();
      return parent == 0 || parent == 8 ? null : "parent_span_id must be empty or 8 bytes";
    }

    @Override
    public Message response(long rejected, String message) {
      ExportTraceServiceResponse.Builder r = ExportTraceServiceResponse.newBuilder();
      if (rejected > 0) {
        r.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(message));
      }
      return r.build();
    }
  },
  METRICS("metrics", ExportMetricsServiceRequest.getDefaultInstance()) {
    @Override
    public long itemCount(Message item) {
      Metric m = (Metric) item;
      switch (m.getDataCase()) {
        case GAUGE:
          return m.getGauge().getDataPointsCount();
        case SUM:
          return m.getSum().getDataPointsCount();
        case HISTOGRAM:
          return m.getHistogram().getDataPointsCount();
        case EXPONENTIAL_HISTOGRAM:
          return m.getExponentialHistogram().getDataPointsCount();
        case SUMMARY:
          return m.getSummary().getDataPointsCount();
        default:
          return 0;
      }
    }

    @Override
    public String invalidItem(Message item) {
      return null;
    }

    @Override
    public Message response(long rejected, String message) {
      ExportMetricsServiceResponse.Builder r = ExportMetricsServiceResponse.newBuilder();
      if (rejected > 0) {
        r.setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected).setErrorMessage(message));
      }
      return r.build();
    }
  },
  LOGS("logs", ExportLogsServiceRequest.getDefaultInstance()) {
    @Override
    public long itemCount(Message item) {
      return 1;
    }

    @Override
    public String invalidItem(Message item) {
      return null;
    }

    @Override
    public Message response(long rejected, String message) {
      ExportLogsServiceResponse.Builder r = ExportLogsServiceResponse.newBuilder();
      if (rejected > 0) {
        r.setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected).setErrorMessage(message));
      }
      return r.build();
    }
  },
  PLATFORM("platform", ExportLogsServiceRequest.getDefaultInstance()) {
    @Override
    public long itemCount(Message item) {
      return 1;
    }

    @Override
    public String invalidItem(Message item) {
      return null;
    }

    @Override
    public Message response(long rejected, String message) {
      return LOGS.response(rejected, message);
    }
  };

  private final String label;
  private final Message requestPrototype;

  Signal(String label, Message requestPrototype) {
    this.label = label;
    this.requestPrototype = requestPrototype;
  }

  /** The value of the {@code signal} metric label. */
  public String label() {
    return label;
  }

  /** The default instance of the Export*ServiceRequest. */
  public Message requestPrototype() {
    return requestPrototype;
  }

  /** Spans, log records or metric data points in one item (span, log record, metric). */
  public abstract long itemCount(Message item);

  /** Why an item cannot be accepted, or null when it can. */
  public abstract String invalidItem(Message item);

  /** The Export*ServiceResponse; with a partial_success when items were rejected. */
  public abstract Message response(long rejected, String message);
}
