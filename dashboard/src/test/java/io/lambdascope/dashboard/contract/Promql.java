package io.lambdascope.dashboard.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parser for the PromQL the dashboards and rules use (selectors, ranges, offsets, functions,
 * aggregations with by/without, binary operators with bool/on/ignoring/group_left/group_right),
 * just enough to know which metrics and labels an expression refers to.
 */
final class Promql {

  /** An expression tree. */
  sealed interface Expr permits Num, Str, Selector, Call, Aggregate, Binary, Unary, Subquery {}

  record Num(double value) implements Expr {}

  record Str(String value) implements Expr {}

  /** {@code metric{label op "value", ...}[range] offset d}; {@code metric} may be empty. */
  record Selector(String metric, List<Matcher> matchers, boolean range) implements Expr {}

  record Matcher(String label, String op, String value) {}

  record Call(String function, List<Expr> args) implements Expr {}

  /** {@code op by|without (grouping) ([param,] expr)}; {@code by} is null without a clause. */
  record Aggregate(String op, Boolean by, List<String> grouping, Expr param, Expr expr) implements Expr {}

  /** {@code lhs op [bool] [on|ignoring (labels)] [group_left|group_right (labels)] rhs}. */
  record Binary(String op, Expr lhs, Expr rhs, Boolean on, List<String> matching, String group, List<String> include)
      implements Expr {}

  record Unary(String op, Expr expr) implements Expr {}

  record Subquery(Expr expr) implements Expr {}

  static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
      "count_values", "bottomk", "topk", "quantile");
  private static final Set<String> PARAM_AGGREGATIONS = Set.of("count_values", "bottomk", "topk", "quantile");

  private final String text;
  private int pos;

  private Promql(String text) {
    this.text = text;
  }

  /** Parses {@code expr}; a syntax error fails with the position. */
  static Expr parse(String expr) {
    Promql parser = new Promql(expr);
    Expr result = parser.expression(0);
    parser.skipSpace();
    if (parser.pos != parser.text.length()) {
      throw parser.error("unexpected input");
    }
    return result;
  }

  // Binary operators by precedence, lowest first; '^' is right-associative.
  private static final List<List<String>> LEVELS = List.of(
      List.of("or"),
      List.of("and", "unless"),
      List.of("==", "!=", ">=", "<=", ">", "<"),
      List.of("+", "-"),
      List.of("*", "/", "%", "atan2"),
      List.of("^"));

  private Expr expression(int level) {
    if (level == LEVELS.size()) {
      return unary();
    }
    Expr lhs = expression(level + 1);
    while (true) {
      String op = operator(LEVELS.get(level));
      if (op == null) {
        return lhs;
      }
      keyword("bool");
      Boolean on = null;
      List<String> matching = List.of();
      if (keyword("on")) {
        on = true;
        matching = labelList();
      } else if (keyword("ignoring")) {
        on = false;
        matching = labelList();
      }
      String group = null;
      List<String> include = List.of();
      if (keyword("group_left")) {
        group = "group_left";
      } else if (keyword("group_right")) {
        group = "group_right";
      }
      if (group != null) {
        skipSpace();
        if (peek() == '(') {
          include = labelList();
        }
      }
      Expr rhs = op.equals("^") ? expression(level) : expression(level + 1);
      lhs = new Binary(op, lhs, rhs, on, matching, group, include);
    }
  }

  private Expr unary() {
    skipSpace();
    if (peek() == '-' || peek() == '+') {
      char op = text.charAt(pos++);
      return new Unary(String.valueOf(op), unary());
    }
    return postfix(primary());
  }

  private Expr postfix(Expr expr) {
    while (true) {
      skipSpace();
      if (peek() == '[') {
        int close = text.indexOf(']', pos);
        if (close < 0) {
          throw error("unclosed [");
        }
        String inside = text.substring(pos + 1, close);
        pos = close + 1;
        if (inside.contains(":")) {
          expr = new Subquery(expr);
        } else if (expr instanceof Selector s && !s.range()) {
          expr = new Selector(s.metric(), s.matchers(), true);
        } else {
          throw error("range [" + inside + "] after a non-selector");
        }
      } else if (keyword("offset")) {
        skipSpace();
        if (peek() == '-') {
          pos++;
        }
        identifierOrDuration();
      } else {
        return expr;
      }
    }
  }

  private Expr primary() {
    skipSpace();
    char c = peek();
    if (c == '(') {
      pos++;
      Expr inner = expression(0);
      expect(')');
      return inner;
    }
    if (c == '"' || c == '\'' || c == '`') {
      return new Str(string());
    }
    if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
      return new Num(number());
    }
    if (c == '{') {
      return new Selector("", matchers(), false);
    }
    String name = identifier();
    if (name.isEmpty()) {
      throw error("expected an expression");
    }
    if (name.equalsIgnoreCase("inf") || name.equalsIgnoreCase("nan")) {
      return new Num(name.equalsIgnoreCase("nan") ? Double.NaN : Double.POSITIVE_INFINITY);
    }
    skipSpace();
    if (AGGREGATIONS.contains(name) && (peek() == '(' || lookingAtKeyword("by") || lookingAtKeyword("without"))) {
      return aggregate(name);
    }
    if (peek() == '(') {
      pos++;
      List<Expr> args = new ArrayList<>();
      skipSpace();
      while (peek() != ')') {
        args.add(expression(0));
        skipSpace();
        if (peek() != ',') {
          break;
        }
        pos++;
      }
      expect(')');
      return new Call(name, args);
    }
    List<Matcher> matchers = peek() == '{' ? matchers() : List.of();
    return new Selector(name, matchers, false);
  }

  private Expr aggregate(String op) {
    Boolean by = null;
    List<String> grouping = List.of();
    if (keyword("by")) {
      by = true;
      grouping = labelList();
    } else if (keyword("without")) {
      by = false;
      grouping = labelList();
    }
    expect('(');
    Expr param = null;
    Expr inner = expression(0);
    skipSpace();
    if (PARAM_AGGREGATIONS.contains(op) && peek() == ',') {
      pos++;
      param = inner;
      inner = expression(0);
    }
    expect(')');
    if (by == null) {
      if (keyword("by")) {
        by = true;
        grouping = labelList();
      } else if (keyword("without")) {
        by = false;
        grouping = labelList();
      }
    }
    return new Aggregate(op, by, grouping, param, inner);
  }

  private List<Matcher> matchers() {
    expect('{');
    List<Matcher> matchers = new ArrayList<>();
    skipSpace();
    while (peek() != '}') {
      String label = identifier();
      if (label.isEmpty()) {
        throw error("expected a label name");
      }
      skipSpace();
      String op;
      if (text.startsWith("=~", pos) || text.startsWith("!~", pos) || text.startsWith("!=", pos)) {
        op = text.substring(pos, pos + 2);
        pos += 2;
      } else if (peek() == '=') {
        op = "=";
        pos++;
      } else {
        throw error("expected a matcher operator");
      }
      skipSpace();
      matchers.add(new Matcher(label, op, string()));
      skipSpace();
      if (peek() == ',') {
        pos++;
        skipSpace();
      }
    }
    pos++;
    return matchers;
  }

  private List<String> labelList() {
    expect('(');
    List<String> labels = new ArrayList<>();
    skipSpace();
    while (peek() != ')') {
      String label = identifier();
      if (label.isEmpty()) {
        throw error("expected a label name");
      }
      labels.add(label);
      skipSpace();
      if (peek() == ',') {
        pos++;
        skipSpace();
      }
    }
    pos++;
    return labels;
  }

  private String operator(List<String> candidates) {
    skipSpace();
    for (String op : candidates) {
      if (Character.isLetter(op.charAt(0))) {
        if (lookingAtKeyword(op)) {
          pos += op.length();
          return op;
        }
      } else if (text.startsWith(op, pos)) {
        // '=' alone is not an operator; '==' is, and so are '>=' etc. matched before '>'.
        pos += op.length();
        return op;
      }
    }
    return null;
  }

  private boolean keyword(String word) {
    skipSpace();
    if (lookingAtKeyword(word)) {
      pos += word.length();
      return true;
    }
    return false;
  }

  private boolean lookingAtKeyword(String word) {
    int end = pos + word.length();
    return text.startsWith(word, pos) && (end == text.length() || !isIdentifierChar(text.charAt(end)));
  }

  private String identifier() {
    int start = pos;
    while (pos < text.length() && (isIdentifierChar(text.charAt(pos)) || text.charAt(pos) == ':')) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private String identifierOrDuration() {
    int start = pos;
    while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private double number() {
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    String n = text.substring(start, pos);
    try {
      return n.startsWith("0x") ? Long.parseLong(n.substring(2), 16) : Double.parseDouble(n);
    } catch (NumberFormatException e) {
      throw error("not a number: " + n);
    }
  }

  private String string() {
    char quote = peek();
    if (quote != '"' && quote != '\'' && quote != '`') {
      throw error("expected a string");
    }
    StringBuilder value = new StringBuilder();
    pos++;
    while (pos < text.length() && text.charAt(pos) != quote) {
      if (text.charAt(pos) == '\\' && quote != '`') {
        pos++;
      }
      value.append(text.charAt(pos++));
    }
    if (pos >= text.length()) {
      throw error("unclosed string");
    }
    pos++;
    return value.toString();
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private void expect(char c) {
    skipSpace();
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(message + " at " + pos + " in: " + text);
  }
}
