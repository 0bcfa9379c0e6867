package dev.ratelimiter.settings;

import java.util.List;
import java.util.Map;

/**
 * One setting read from the environment, declared once: its name, its default (the value, and how
 * the docs write it), what it means, and how a value is read and checked. The agent and the
 * operator each list theirs in one table ({@code AgentEnvironment}, {@code OperatorEnvironment});
 * their {@code fromEnv} reads through it, {@code --help} prints it, and a test holds
 * docs/configuration.md to it. A bad value is an {@link IllegalArgumentException} whose message
 * starts with the setting's name.
 *
 * @param <T> the type a value is read as
 */
public final class Setting<T> {

  /** Reads a value that is set (trimmed, not blank); throws naming {@code name} if it is bad. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(String name, String value);
  }

  private final String name;
  private final T fallback;
  private final String defaultText;
  private final String meaning;
  private final Reader<T> reader;

  private Setting(String name, T fallback, String defaultText, String meaning, Reader<T> reader) {
    this.name = name;
    this.fallback = fallback;
    this.defaultText = defaultText;
    this.meaning = meaning;
    this.reader = reader;
  }

  /** A setting read by {@code reader}; unset or blank, it is {@code fallback}. */
  public static <T> Setting<T> of(
      String name, T fallback, String defaultText, String meaning, Reader<T> reader) {
    return new Setting<>(name, fallback, defaultText, meaning, reader);
  }

  /** Text taken as it is; {@code fallback} may be null ("none"). */
  public static Setting<String> text(String name, String fallback, String meaning) {
    return of(name, fallback, fallback == null ? "none" : fallback, meaning, (n, v) -> v);
  }

  /** A whole number in {@code min .. max}. */
  public static Setting<Long> wholeNumber(
      String name, long fallback, long min, long max, String meaning) {
    return of(
        name,
        fallback,
        Long.toString(fallback),
        meaning,
        (n, v) -> {
          try {
            long value = Long.parseLong(v);
            if (value >= min && value <= max) {
              return value;
            }
          } catch (NumberFormatException ignored) {
            // reported below
          }
          throw new IllegalArgumentException(
              n + "='" + v + "' is not a whole number in " + min + " .. " + max);
        });
  }

  /** A whole number in {@code min .. max} that fits an int. */
  public static Setting<Integer> count(
      String name, int fallback, int min, int max, String meaning) {
    Setting<Long> number = wholeNumber(name, fallback, min, max, meaning);
    return of(
        name,
        fallback,
        number.defaultText,
        meaning,
        (n, v) -> (int) (long) number.reader.read(n, v));
  }

  /** A TCP port, 0 .. 65535 (0: an ephemeral port). */
  public static Setting<Integer> port(String name, int fallback, String meaning) {
    return count(name, fallback, 0, 65535, meaning);
  }

  /** {@code true} or {@code false}, in any case. */
  public static Setting<Boolean> bool(String name, boolean fallback, String meaning) {
    return of(
        name,
        fallback,
        Boolean.toString(fallback),
        meaning,
        (n, v) -> {
          if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
          }
          throw new IllegalArgumentException(n + "='" + v + "' is not true or false");
        });
  }

  /** One of {@code values}, spelled exactly. */
  public static Setting<String> oneOf(
      String name, String fallback, List<String> values, String meaning) {
    return of(
        name,
        fallback,
        fallback,
        meaning,
        (n, v) -> {
          if (values.contains(v)) {
            return v;
          }
          throw new IllegalArgumentException(
              n + "='" + v + "' is not one of " + String.join(", ", values));
        });
  }

  /** The value in {@code env}, checked; the default when unset or blank. */
  public T read(Map<String, String> env) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return reader.read(name, value.trim());
  }

  /** True when {@code env} sets it (not blank). */
  public boolean isSet(Map<String, String> env) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  public String name() {
    return name;
  }

  /** The value when unset. */
  public T defaultValue() {
    return fallback;
  }

  /** The default as docs/configuration.md writes it ({@code none} for no value). */
  public String defaultText() {
    return defaultText;
  }

  /** What it is for, in one line ({@code --help}). */
  public String meaning() {
    return meaning;
  }
}
