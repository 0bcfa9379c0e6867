package dev.ratelimiter.agent.store;

import java.util.Locale;

/** The store could not answer; {@link #reason()} says how, for metrics and logs. */
public class StoreUnavailableException extends RuntimeException {

  /** How a store call failed. */
  public enum Reason {
    /** No answer in time: see {@code StoreDeadline} for when that is. */
    TIMEOUT,
    /** No connection, or it was lost with the call on it. */
    DISCONNECTED,
    /** The store answered with an error, or something this agent cannot read. */
    ERROR,
    /** A counter holds something the script cannot have written. */
    TAMPERED,
    /** The in-memory store holds its maximum of clients. */
    FULL;

    /** The value of the {@code reason} label. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public StoreUnavailableException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public StoreUnavailableException(Reason reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The reason of any failure: a {@link StoreUnavailableException}'s own, else an error. */
  public static Reason reasonOf(Throwable failure) {
    return failure instanceof StoreUnavailableException e ? e.reason() : Reason.ERROR;
  }
}
