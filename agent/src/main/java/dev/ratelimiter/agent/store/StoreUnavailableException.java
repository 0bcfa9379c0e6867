package dev.ratelimiter.agent.store;

/** The store could not answer (not connected, timed out, or returned an error). */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message) {
    super(message, null, false, false);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
