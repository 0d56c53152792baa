package io.lambdascope.dashboard.contract;

import io.lambdascope.dashboard.contract.Promql.Aggregate;
import io.lambdascope.dashboard.contract.Promql.Binary;
import io.lambdascope.dashboard.contract.Promql.Call;
import io.lambdascope.dashboard.contract.Promql.Expr;
import io.lambdascope.dashboard.contract.Promql.Num;
import io.lambdascope.dashboard.contract.Promql.Selector;
import io.lambdascope.dashboard.contract.Promql.Str;
import io.lambdascope.dashboard.contract.Promql.Subquery;
import io.lambdascope.dashboard.contract.Promql.Unary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks one PromQL expression against the {@link TelemetryContract}: every metric exists, every
 * matcher's label exists on its metric, and every label of a {@code by}, {@code without},
 * {@code on}, {@code ignoring} or {@code group_*} clause exists on the series it applies to.
 */
final class ContractChecker {

  private final TelemetryContract contract;

  ContractChecker(TelemetryContract contract) {
    this.contract = contract;
  }

  /** The problems of {@code expr}; empty when it follows the contract. */
  List<String> check(String expr) {
    List<String> problems = new ArrayList<>();
    labels(Promql.parse(expr), problems);
    return problems;
  }

  /** The labels the result of {@code expr} carries (what a recording rule of it records). */
  Set<String> resultLabels(String expr) {
    return labels(Promql.parse(expr), new ArrayList<>());
  }

  /** The labels the result of {@code e} can carry; {@link TelemetryContract#ANY} when unknown. */
  private Set<String> labels(Expr e, List<String> problems) {
    if (e instanceof Num || e instanceof Str) {
      return Set.of();
    }
    if (e instanceof Unary u) {
      return labels(u.expr(), problems);
    }
    if (e instanceof Subquery s) {
      return labels(s.expr(), problems);
    }
    if (e instanceof Selector s) {
      return selector(s, problems);
    }
    if (e instanceof Call c) {
      return call(c, problems);
    }
    if (e instanceof Aggregate a) {
      return aggregate(a, problems);
    }
    return binary((Binary) e, problems);
  }

  private Set<String> selector(Selector s, List<String> problems) {
    String metric = s.metric();
    if (metric.isEmpty()) {
      metric = s.matchers().stream().filter(m -> m.label().equals("__name__") && m.op().equals("="))
          .map(Promql.Matcher::value).findFirst().orElse("");
    }
    if (!contract.hasMetric(metric)) {
      problems.add("metric " + (metric.isEmpty() ? "(no name)" : metric) + " is not in docs/telemetry.md sections 4-6");
      return TelemetryContract.ANY;
    }
    Set<String> labels = contract.labels(metric).orElseThrow();
    for (Promql.Matcher m : s.matchers()) {
      if (!m.label().equals("__name__") && !has(labels, m.label())) {
        problems.add("matcher on label " + m.label() + ": " + metric + " has only " + labels);
      }
    }
    return labels;
  }

  private Set<String> call(Call c, List<String> problems) {
    List<Set<String>> args = new ArrayList<>();
    for (Expr arg : c.args()) {
      args.add(labels(arg, problems));
    }
    switch (c.function()) {
      case "histogram_quantile" -> {
        Set<String> buckets = args.size() == 2 ? args.get(1) : TelemetryContract.ANY;
        if (!has(buckets, "le")) {
          problems.add("histogram_quantile over series without le: " + buckets);
        }
        return without(buckets, Set.of("le"));
      }
      case "label_replace", "label_join" -> {
        Set<String> result = new LinkedHashSet<>(args.isEmpty() ? Set.of() : args.get(0));
        if (c.args().size() > 1 && c.args().get(1) instanceof Str dst) {
          result.add(dst.value());
        }
        return result;
      }
      case "time", "vector", "scalar", "pi" -> {
        return Set.of();
      }
      default -> {
        // Range and instant functions keep the labels of their (first) vector argument.
        for (int i = 0; i < c.args().size(); i++) {
          if (!(c.args().get(i) instanceof Num) && !(c.args().get(i) instanceof Str)) {
            return args.get(i);
          }
        }
        return Set.of();
      }
    }
  }

  private Set<String> aggregate(Aggregate a, List<String> problems) {
    if (a.param() != null) {
      labels(a.param(), problems);
    }
    Set<String> inner = labels(a.expr(), problems);
    for (String label : a.grouping()) {
      if (!has(inner, label)) {
        problems.add(a.op() + (Boolean.TRUE.equals(a.by()) ? " by" : " without") + " (" + label + "): not a label of its argument " + inner);
      }
    }
    if (a.by() == null) {
      return Set.of();
    }
    return a.by() ? Set.copyOf(a.grouping()) : without(inner, Set.copyOf(a.grouping()));
  }

  private Set<String> binary(Binary b, List<String> problems) {
    Set<String> lhs = labels(b.lhs(), problems);
    Set<String> rhs = labels(b.rhs(), problems);
    boolean lhsScalar = scalar(b.lhs());
    boolean rhsScalar = scalar(b.rhs());
    if (lhsScalar) {
      return rhs;
    }
    if (rhsScalar) {
      return lhs;
    }
    for (String label : b.matching()) {
      boolean onLhs = has(lhs, label);
      boolean onRhs = has(rhs, label);
      if (Boolean.TRUE.equals(b.on()) ? !(onLhs && onRhs) : !(onLhs || onRhs)) {
        problems.add((b.on() ? "on" : "ignoring") + " (" + label + "): not a label of both sides " + lhs + " " + b.op() + " " + rhs);
      }
    }
    if (b.group() != null) {
      Set<String> other = b.group().equals("group_left") ? rhs : lhs;
      for (String label : b.include()) {
        if (!has(other, label)) {
          problems.add(b.group() + " (" + label + "): not a label of " + other);
        }
      }
      Set<String> result = new LinkedHashSet<>(b.group().equals("group_left") ? lhs : rhs);
      result.addAll(b.include());
      return result;
    }
    switch (b.op()) {
      case "and", "unless" -> {
        return lhs;
      }
      case "or" -> {
        Set<String> union = new LinkedHashSet<>(lhs);
        union.addAll(rhs);
        return union;
      }
      default -> {
        if (b.on() == null) {
          return lhs;
        }
        // One-to-one matching keeps only the 'on' labels, or drops the 'ignoring' ones.
        return b.on() ? Set.copyOf(b.matching()) : without(lhs, Set.copyOf(b.matching()));
      }
    }
  }

  /** A number, or a function that returns a scalar: the other side's labels survive the operation. */
  private static boolean scalar(Expr e) {
    return e instanceof Num || (e instanceof Unary u && u.expr() instanceof Num)
        || (e instanceof Call c && Set.of("time", "scalar", "pi").contains(c.function()));
  }

  private static boolean has(Set<String> labels, String label) {
    return labels.contains("*") || labels.contains(label);
  }

  private static Set<String> without(Set<String> labels, Set<String> removed) {
    if (labels.contains("*")) {
      return labels;
    }
    Set<String> result = new LinkedHashSet<>(labels);
    result.removeAll(removed);
    return result;
  }
}
