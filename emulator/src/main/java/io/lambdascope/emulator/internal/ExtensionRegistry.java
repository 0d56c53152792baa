package io.lambdascope.emulator.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Extensions API (2020-01-01) of one execution environment: who registered for which events, who is waiting in
 * {@code next}, and the events handed to each. The rules are Lambda's: registration only during init, at most 10
 * extensions, an external extension registers under the file name it was started from, an internal one (any other
 * name, a thread of the runtime) may not register for SHUTDOWN; after {@code init/error} or {@code exit/error} the
 * extension's calls are refused. State changes happen under the environment's lock, which is notified on each.
 */
final class ExtensionRegistry {
  static final int MAX_EXTENSIONS = 10;
  static final String INVOKE = "INVOKE";
  static final String SHUTDOWN = "SHUTDOWN";

  /** One registered extension. Fields are guarded by the environment's lock. */
  static final class Extension {
    final String id = UUID.randomUUID().toString();
    final String name;
    final boolean external;
    final Set<String> events;
    final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    /** Blocked in {@code next} with nothing to do: done with its last event (or with init). */
    boolean waiting;
    /** Got SHUTDOWN. */
    boolean shutdownSent;
    /** The type of an {@code init/error} or {@code exit/error} it reported. */
    String errorType;

    Extension(String name, boolean external, Set<String> events) {
      this.name = name;
      this.external = external;
      this.events = events;
    }

    boolean subscribed(String event) {
      return events.contains(event);
    }
  }

  private final Object lock;
  private final Set<String> externalNames;
  private final Map<String, Extension> byId = new LinkedHashMap<>();
  private boolean open = true;
  private volatile boolean closed;

  /**
   * @param lock the environment's lock
   * @param externalNames the file names of the external extensions the environment started
   */
  ExtensionRegistry(Object lock, Collection<String> externalNames) {
    this.lock = lock;
    this.externalNames = Set.copyOf(externalNames);
  }

  /** Registers an extension, refusing it as Lambda does (403 with an {@code Extension.*} error type). */
  Extension register(String name, byte[] body) throws ApiError {
    if (name == null || name.isBlank()) {
      throw ApiError.forbidden("Extension.InvalidExtensionName", "Empty extension name");
    }
    Set<String> events = new LinkedHashSet<>();
    try {
      var request = Json.MAPPER.readTree(body);
      if (request == null || !request.isObject()) {
        throw ApiError.forbidden("InvalidRequestFormat", "request body must be a JSON object");
      }
      if (request.has("configurationKeys") && !request.get("configurationKeys").isEmpty()) {
        throw ApiError.forbidden("InvalidRequestFormat",
            "configurationKeys are deprecated; use environment variables instead");
      }
      for (var e : request.path("events")) {
        events.add(e.asText());
      }
    } catch (IOException e) {
      throw ApiError.forbidden("InvalidRequestFormat", e.getMessage());
    }
    boolean external = externalNames.contains(name);
    for (String e : events) {
      if (!e.equals(INVOKE) && !e.equals(SHUTDOWN)) {
        throw ApiError.forbidden("Extension.InvalidEventType", e + ": ErrInvalidEventType");
      }
      if (!external && e.equals(SHUTDOWN)) {
        throw ApiError.forbidden("Extension.InvalidEventType", e + ": ErrEventNotSupportedForInternalAgent");
      }
    }
    synchronized (lock) {
      if (!open) {
        throw ApiError.forbidden("Extension.RegistrationClosed", "Extension registration closed already");
      }
      for (Extension x : byId.values()) {
        if (x.name.equals(name)) {
          throw ApiError.forbidden("Extension.InvalidExtensionState",
              "Extension with this name already registered: " + name);
        }
      }
      if (byId.size() >= MAX_EXTENSIONS) {
        throw ApiError.forbidden("Extension.TooManyExtensions", "Extension limit (" + MAX_EXTENSIONS + ") reached");
      }
      Extension extension = new Extension(name, external, Set.copyOf(events));
      byId.put(extension.id, extension);
      lock.notifyAll();
      return extension;
    }
  }

  /** The extension with this identifier, if it may still call the API. */
  Extension find(String id) throws ApiError {
    if (id == null || id.isBlank()) {
      throw ApiError.forbidden("Extension.MissingExtensionIdentifier", "Missing Lambda-Extension-Identifier header");
    }
    synchronized (lock) {
      Extension extension = byId.get(id);
      if (extension == null) {
        throw ApiError.forbidden("Extension.UnknownExtensionIdentifier", "Unknown extension " + id);
      }
      if (extension.errorType != null) {
        throw ApiError.forbidden("Extension.InvalidExtensionState",
            "Extension " + extension.name + " reported " + extension.errorType + "; no further calls succeed");
      }
      return extension;
    }
  }

  /**
   * {@code next}: the extension is done with its last event; blocks until the next one.
   *
   * @return the event, or null when the environment goes away first
   */
  byte[] next(Extension extension) throws InterruptedException {
    synchronized (lock) {
      byte[] ready = extension.queue.poll();
      if (ready != null) {
        return ready;
      }
      extension.waiting = true;
      lock.notifyAll();
    }
    while (!closed) {
      byte[] event = extension.queue.poll(200, TimeUnit.MILLISECONDS);
      if (event != null) {
        return event;
      }
    }
    return null;
  }

  /** Hands an event to the extension: it is busy with it until its next {@code next}. */
  void send(Extension extension, byte[] event, boolean shutdown) {
    synchronized (lock) {
      extension.waiting = false;
      extension.shutdownSent |= shutdown;
      extension.queue.add(event);
    }
  }

  /** {@code init/error} or {@code exit/error}: the extension failed; its later calls are refused. */
  void failed(Extension extension, String errorType) {
    synchronized (lock) {
      extension.errorType = errorType;
      lock.notifyAll();
    }
  }

  /** Init is over: later registrations are refused. */
  void closeRegistration() {
    synchronized (lock) {
      open = false;
    }
  }

  boolean registrationOpen() {
    synchronized (lock) {
      return open;
    }
  }

  /** Every registered extension, in the order they registered (call under the lock, or on a copy). */
  List<Extension> all() {
    synchronized (lock) {
      return new ArrayList<>(byId.values());
    }
  }

  /** Names of external extensions that have not registered (yet). */
  Set<String> unregisteredExternal() {
    synchronized (lock) {
      Set<String> missing = new LinkedHashSet<>(externalNames);
      byId.values().forEach(x -> missing.remove(x.name));
      return missing;
    }
  }

  /** The environment is gone: blocked {@code next} calls return. */
  void close() {
    closed = true;
  }
}
