package io.lambdascope.processor.findings;

/** A misconfiguration that explains failures: what was seen and what to change. */
public record Finding(String function, String kind, String seen, String change) {}
