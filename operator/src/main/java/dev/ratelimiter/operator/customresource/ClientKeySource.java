package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** Where the client identity comes from. */
public enum ClientKeySource {
  /** The TCP peer, or the forwarded address when the peer is a trusted proxy. */
  RemoteAddress,

  /**
   * Any value this operator does not know (e.g. written under a newer CRD). Not in the schema;
   * the validator reports it instead of the whole informer failing on it.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unsupported
}
