package dev.ratelimiter.policy;

import java.util.List;

/** The headers of the request a decision is about, as far as a limit's match reads them. */
@FunctionalInterface
public interface RequestHeaders {

  /** Headers unknown (e.g. a gRPC descriptor): a limit that names a header does not apply. */
  RequestHeaders NONE = name -> null;

  /**
   * @return every value of the header, in order; empty when absent; null when the caller cannot
   *     tell
   */
  List<String> values(String name);
}
