package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** The one forwarding header believed from trusted proxies; the other is ignored. */
public enum ForwardedHeader {
  /** {@code X-Forwarded-For: client, proxy1, ...} (what nginx, most load balancers append). */
  XForwardedFor,

  /** {@code Forwarded: for=client, for=proxy1} (RFC 7239). */
  Forwarded,

  /** Any value this operator does not know; not in the schema, reported by the validator. */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unsupported
}
