package dev.ratelimiter.agent.policy;

/**
 * One limit of a policy: at most {@code requests} per {@code windowSeconds} for each client.
 *
 * @param name          DNS-label style name, unique within the policy; part of the counter key
 * @param requests      quota per window, 1 .. 1,000,000,000
 * @param windowSeconds window length in whole seconds, 1 .. 86,400
 * @param algorithm     how requests are counted
 */
public record Limit(String name, long requests, long windowSeconds, Algorithm algorithm) {

    public long windowMillis() {
        return windowSeconds * 1000L;
    }

    /** The window written the way policies write it, e.g. {@code 1h30m}. */
    public String windowText() {
        return WindowFormat.format(windowSeconds);
    }
}
