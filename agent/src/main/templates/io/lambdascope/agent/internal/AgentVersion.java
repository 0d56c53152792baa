package io.lambdascope.agent.internal;

/**
 * The agent's version, written in at build time (Maven filters this template from {@code src/main/templates}).
 * Reading it from the jar's manifest instead ({@code Package.getImplementationVersion}) makes the bootstrap loader
 * open and stream the jar and load a score of file-channel classes: milliseconds of CPU in every cold start.
 */
public final class AgentVersion {
    public static final String VALUE = "${project.version}";

    private AgentVersion() {
    }
}
