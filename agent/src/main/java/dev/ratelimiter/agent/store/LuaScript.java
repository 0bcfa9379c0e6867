package dev.ratelimiter.agent.store;

import dev.ratelimiter.policy.Limit;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The server-side check: its text, its SHA-1 (for EVALSHA), and the key layout it is called with. */
public final class LuaScript {

    public static final LuaScript FIXED_WINDOW = load("fixed_window.lua");

    /** One request to decide: a client of a policy, the policy's limits and the units it costs (at least 1). */
    public record Check(String scope, String client, List<Limit> limits, long cost) {
    }

    private final String source;
    private final String sha1;

    private LuaScript(String source) {
        this.source = source;
        this.sha1 = sha1(source);
    }

    /**
     * {@code rl:{<scope>|<client>}:<limit>}: the hash tag keeps one client's counters in one Redis
     * Cluster slot, so one script can serve them, while different clients spread across slots.
     */
    public static String key(String scope, String client, String limit) {
        return "rl:{" + scope + '|' + client + "}:" + limit;
    }

    Request evalsha(List<Check> checks) {
        return withArguments(Request.cmd(Command.EVALSHA).arg(sha1), checks);
    }

    Request eval(List<Check> checks) {
        return withArguments(Request.cmd(Command.EVAL).arg(source), checks);
    }

    static boolean isNoScript(Throwable err) {
        return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
    }

    /**
     * Splits the script's flat reply into one result per check, in order; null for a check whose
     * counters hold something that is not a count (see {@link #tampered}).
     */
    static List<AcquireResult> toResults(Response reply, List<Check> checks) {
        int expected = 0;
        for (Check check : checks) {
            expected += 1 + 2 * check.limits().size();
        }
        if (reply == null || reply.size() != expected) {
            throw new StoreUnavailableException("unexpected reply from the rate-limit script: " + reply);
        }
        List<AcquireResult> results = new ArrayList<>(checks.size());
        int at = 0;
        for (Check check : checks) {
            int n = check.limits().size();
            long[] counts = new long[n];
            long[] resets = new long[n];
            int verdict = reply.get(at).toInteger();
            boolean allowed = verdict == 1;
            for (int i = 0; i < n; i++) {
                counts[i] = reply.get(at + 1 + 2 * i).toLong();
                long ttl = reply.get(at + 2 + 2 * i).toLong();
                resets[i] = ttl < 0 ? check.limits().get(i).windowMillis() : ttl;
            }
            results.add(verdict < 0 ? null : new AcquireResult(allowed, counts, resets));
            at += 1 + 2 * n;
        }
        return results;
    }

    /** The error for a check whose counter was tampered with: the failure policy decides, never "allowed". */
    static StoreUnavailableException tampered(Check check) {
        return new StoreUnavailableException("a Redis counter of client " + check.client() + " ("
                + key(check.scope(), check.client(), "*") + ") holds a value that is not a count");
    }

    private static Request withArguments(Request request, List<Check> checks) {
        int keys = 0;
        for (Check check : checks) {
            keys += check.limits().size();
        }
        request.arg(keys);
        for (Check check : checks) {
            for (Limit limit : check.limits()) {
                request.arg(key(check.scope(), check.client(), limit.name()));
            }
        }
        request.arg(checks.size());
        for (Check check : checks) {
            request.arg(check.limits().size()).arg(check.cost());
            for (Limit limit : check.limits()) {
                request.arg(limit.requests()).arg(limit.windowMillis());
            }
        }
        return request;
    }

    private static LuaScript load(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
