package io.lambdascope.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of value, good and bad; errors name the setting, show the value and the expected form. */
class SettingTest {
  enum Mode { OBSERVE, PEEK }

  static final Setting<Duration> TIMEOUT =
      Setting.duration("LAMBDASCOPE_X_TIMEOUT", Duration.ofSeconds(10), "how long").replaces("LAMBDASCOPE_X_TIMEOUT_MS");

  /** Parsing {@code bad} fails with {@code NAME: 'bad' <problem>; expected <form>}. */
  private static void refused(Setting<?> s, String bad, String problem) {
    SettingException e = assertThrows(SettingException.class, () -> s.parse(bad), bad);
    assertEquals(s.name() + ": '" + bad.trim() + "' " + problem + "; expected " + s.form(), e.getMessage());
  }

  @Test
  void durations() {
    assertEquals(Duration.ofMillis(250), TIMEOUT.parse("250ms"));
    assertEquals(Duration.ofDays(7), TIMEOUT.parse("7d"));
    assertEquals("10s", TIMEOUT.defaultText());
    assertEquals("DURATION", TIMEOUT.metavar());
    refused(TIMEOUT, "10000", "has no unit");
    refused(TIMEOUT, "ten seconds", "is not a duration");
    refused(TIMEOUT, "0s", "is out of range");
    assertTrue(TIMEOUT.form().contains("250ms, 10s, 5m, 1h, 7d"), TIMEOUT.form());
    assertTrue(TIMEOUT.form().endsWith("greater than 0"), TIMEOUT.form());
    assertEquals("LAMBDASCOPE_X_TIMEOUT: 0ms is out of range; expected " + TIMEOUT.form(),
        assertThrows(SettingException.class, () -> TIMEOUT.check(Duration.ZERO)).getMessage());
  }

  @Test
  void sizes() {
    Setting<Long> s = Setting.size("LAMBDASCOPE_X_BYTES", 4L << 20, 1024, "largest body");
    assertEquals(512 * 1024L, s.parse("512KiB"));
    assertEquals(4096L, s.parse("4096"));
    assertEquals("4MiB", s.defaultText());
    refused(s, "4MB", "is not a size");
    refused(s, "1000", "is too small");
    assertTrue(s.form().endsWith("at least 1KiB"), s.form());
    assertThrows(SettingException.class, () -> s.check(10L));
    assertThrows(SettingException.class, () -> Setting.size("LAMBDASCOPE_X", 10, 1024, "default below the minimum"));
  }

  @Test
  void booleansAreStrict() {
    Setting<Boolean> s = Setting.bool("LAMBDASCOPE_X_ON", false, "on");
    assertTrue(s.parse("true"));
    assertFalse(s.parse(" false "));
    assertEquals("false", s.defaultText());
    for (String bad : new String[] {"yes", "1", "TRUE", "on", "False"}) {
      refused(s, bad, "is not true or false");
    }
  }

  @Test
  void integersAndLongsWithRanges() {
    Setting<Integer> i = Setting.integer("LAMBDASCOPE_X_THREADS", 2, 1, 64, "threads");
    assertEquals(7, i.parse("7"));
    assertEquals("2", i.defaultText());
    assertEquals("an integer, from 1 to 64", i.form());
    refused(i, "0", "is out of range");
    refused(i, "65", "is out of range");
    refused(i, "two", "is not an integer");
    refused(i, "1.5", "is not an integer");
    refused(i, "99999999999", "is out of range");
    Setting<Long> l = Setting.longInteger("LAMBDASCOPE_X_MESSAGES", 250_000, 100, Long.MAX_VALUE, "messages");
    assertEquals(10_000_000_000L, l.parse("10000000000"));
    assertEquals("an integer, at least 100", l.form());
    refused(l, "99", "is out of range");
    refused(l, "1e6", "is not an integer");
  }

  @Test
  void positiveNumbers() {
    Setting<Double> s = Setting.positiveNumber("LAMBDASCOPE_X_RATE", 5, "per second");
    assertEquals(0.5, s.parse("0.5"));
    assertEquals(12.0, s.parse("12"));
    assertEquals("5", s.defaultText());
    refused(s, "0", "is out of range");
    refused(s, "NaN", "is not a number");
    refused(s, "fast", "is not a number");
  }

  @Test
  void hostsAndPorts() {
    Setting<String> host = Setting.host("LAMBDASCOPE_X_HOST", "127.0.0.1", "interface");
    for (String good : new String[] {"0.0.0.0", "localhost", "collector.example.internal", "::1", "fe80::1%eth0"}) {
      assertEquals(good, host.parse(good));
    }
    refused(host, "http://x", "is not a host name or IP address");
    refused(host, "a b", "is not a host name or IP address");
    Setting<Integer> port = Setting.port("LAMBDASCOPE_X_PORT", 4318, "port");
    assertEquals(0, port.parse("0"));
    assertEquals(65535, port.parse("65535"));
    refused(port, "65536", "is out of range");
    refused(port, "-1", "is out of range");
    refused(port, "http", "is not an integer");
    Setting<HostPort> hp = Setting.hostPort("LAMBDASCOPE_X_ADDRESS", new HostPort("127.0.0.1", 9092), "address");
    assertEquals(new HostPort("::1", 9092), hp.parse("[::1]:9092"));
    assertEquals("[::1]:9092", new HostPort("::1", 9092).toString());
    assertEquals("127.0.0.1:9092", hp.defaultText());
    refused(hp, "k1", "is not host:port");
    refused(hp, "::1:9092", "is not host:port (an IPv6 address goes in brackets)");
    refused(hp, "k1:99999", "is out of range");
    Setting<List<HostPort>> servers = KafkaSettings.BOOTSTRAP_SERVERS;
    assertEquals(List.of(new HostPort("a", 1), new HostPort("b", 2)), servers.parse("a:1, b:2,"));
    assertEquals("a:1,b:2", KafkaSettings.bootstrapServers(servers.parse("a:1, b:2")));
    refused(servers, ",", "names no host:port");
    refused(servers, "a:1,b", "is not host:port");
  }

  @Test
  void pathsAndUrls() {
    Setting<Path> p = Setting.path("LAMBDASCOPE_X_DIR", Path.of("data"), "where");
    assertEquals(Path.of("/var/lib/x"), p.parse("/var/lib/x"));
    assertEquals("data", p.defaultText());
    refused(p, "a\u0000b", "is not a path");
    Setting<URI> u = Setting.url("LAMBDASCOPE_X_URL", URI.create("http://127.0.0.1:4318"), "collector");
    assertEquals(URI.create("https://c.example:443/x"), u.parse("https://c.example:443/x"));
    refused(u, "localhost:4318", "is not an http or https URL");
    refused(u, "127.0.0.1:4318", "is not a URL");
    refused(u, "ftp://x", "is not an http or https URL");
    refused(u, "http://a b", "is not a URL");
  }

  @Test
  void listsAndPairs() {
    Setting<List<String>> l = Setting.list("LAMBDASCOPE_X_LIST", "things");
    assertEquals(List.of("a", "b c"), l.parse(" a , b c ,, "));
    assertEquals(List.of(), l.defaultValue());
    assertEquals("none", l.defaultText());
    Setting<Map<String, String>> required = Setting.pairs("LAMBDASCOPE_X_SOURCES", "queue", "function", false, "q");
    assertEquals(Map.of("orders", "orders-fn", "b", "c"), required.parse("orders=orders-fn, b = c"));
    assertEquals(List.of("orders", "b"), List.copyOf(required.parse("orders=orders-fn,b=c").keySet()));
    assertEquals("queue=function pairs separated by commas", required.form());
    refused(required, "orders", "has a malformed entry (number 1)");
    refused(required, "a=1,=2", "has a malformed entry (number 2)");
    refused(required, "a=", "has a malformed entry (number 1)");
    refused(required, "a=1,a=2", "names a key twice (entry 2)");
    Setting<Map<String, String>> optional = Setting.pairs("LAMBDASCOPE_X_DLQS", "queue", "function", true, "q");
    assertEquals(Map.of("a-dlq", "fa", "b-dlq", ""), optional.parse("a-dlq=fa, b-dlq"));
    assertEquals("QUEUE[=FUNCTION],...", optional.metavar());
    assertEquals("a-dlq=fa,b-dlq", optional.format(optional.parse("a-dlq=fa, b-dlq")));
  }

  @Test
  void enumsInLowerCase() {
    Setting<Mode> s = Setting.choice("LAMBDASCOPE_X_MODE", Mode.class, Mode.OBSERVE, "mode");
    assertEquals(Mode.PEEK, s.parse("peek"));
    assertEquals("observe", s.defaultText());
    assertEquals("one of observe, peek", s.form());
    assertEquals("observe|peek", s.metavar());
    refused(s, "PEEK", "is not a choice");
    refused(s, "guess", "is not a choice");
  }

  @Test
  void textWithARule() {
    Setting<String> topic = KafkaSettings.TOPIC_SPANS;
    assertEquals("spans.v2", topic.parse("spans.v2"));
    refused(topic, "bad topic", "is not valid");
    assertEquals("a Kafka topic name: up to 249 letters, digits, '.', '_' and '-'", topic.form());
    assertEquals("an integer, from -1 to 32767, -1 for the broker's default, not 0",
        KafkaSettings.TOPIC_REPLICATION_FACTOR.form());
    assertThrows(SettingException.class, () -> KafkaSettings.TOPIC_REPLICATION_FACTOR.parse("0"));
    assertEquals("the broker's default", KafkaSettings.TOPIC_REPLICATION_FACTOR.defaultText());
  }

  @Test
  void secretsAreNeverShown() {
    Setting<String> token = Setting.secret("LAMBDASCOPE_X_TOKEN", "bearer token");
    assertEquals("s3cret", token.parse("s3cret"));
    assertEquals("****", token.show("s3cret"));
    assertEquals("none", token.defaultText());
    Setting<Map<String, String>> tokens =
        Setting.pairs("LAMBDASCOPE_X_TOKENS", "token", "tenant", false, "tokens").secret();
    SettingException e = assertThrows(SettingException.class, () -> tokens.parse("hunter2"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertEquals("LAMBDASCOPE_X_TOKENS: the value (not shown) has a malformed entry (number 1); expected "
        + tokens.form(), e.getMessage());
    assertEquals("****", tokens.show(Map.of("hunter2", "acme")));
  }

  @Test
  void flagsFollowTheNameUnlessDeclared() {
    assertEquals("--x-timeout", TIMEOUT.flag());
    assertEquals("--kafka-bootstrap-servers", KafkaSettings.BOOTSTRAP_SERVERS.flag());
    assertEquals("--config", Setting.path("LAMBDASCOPE_FUNCTIONS", null, "file").flag("--config").flag());
    assertThrows(IllegalArgumentException.class, () -> TIMEOUT.flag("timeout"));
    assertThrows(IllegalArgumentException.class, () -> Setting.text("lower_case", null, "x"));
  }

  @Test
  void refinementsLeaveTheOriginalAlone() {
    Setting<Duration> documented = TIMEOUT.defaultText("the scenario's own");
    assertEquals("the scenario's own", documented.defaultText());
    assertEquals("10s", TIMEOUT.defaultText());
    assertEquals(TIMEOUT.name(), documented.name());
  }
}
