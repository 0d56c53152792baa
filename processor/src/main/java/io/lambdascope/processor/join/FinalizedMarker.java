package io.lambdascope.processor.join;

import java.util.List;

/** What made up a decided invocation: the span ids it used and whether a platform report was part of it. */
public record FinalizedMarker(List<String> deliveryIds, boolean hadReport) {}
