package dev.ratelimiter.policy;

/**
 * A policy document that cannot be enforced; the message names the field and says what is wrong.
 */
public class InvalidPolicyException extends Exception {

  private final String field;
  private final String problem;

  public InvalidPolicyException(String field, String problem) {
    super(field.isEmpty() ? problem : field + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  /** What is wrong, without the field. */
  public String problem() {
    return problem;
  }

  /**
   * Path of the offending field, like {@code limits[1].window}; empty for the document as a whole.
   */
  public String field() {
    return field;
  }
}
