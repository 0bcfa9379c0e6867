package dev.ratelimiter.operator.spec;

/**
 * Why the operator will not use something a spec names (an external Redis or its Secret, a JWKS
 * ConfigMap): the condition reason and a message naming the fix. Nothing is applied while it
 * stands.
 */
public record Refusal(String reason, String message) {}
