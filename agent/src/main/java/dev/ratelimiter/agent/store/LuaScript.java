package dev.ratelimiter.agent.store;

import dev.ratelimiter.agent.policy.Limit;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The server-side check: its text, its SHA-1 (for EVALSHA), and the key layout it is called with. */
public final class LuaScript {

    public static final LuaScript FIXED_WINDOW = load("fixed_window.lua");

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

    Request evalsha(String scope, String client, List<Limit> limits) {
        return withArguments(Request.cmd(Command.EVALSHA).arg(sha1), scope, client, limits);
    }

    Request eval(String scope, String client, List<Limit> limits) {
        return withArguments(Request.cmd(Command.EVAL).arg(source), scope, client, limits);
    }

    public String sha1() {
        return sha1;
    }

    static boolean isNoScript(Throwable err) {
        return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
    }

    static AcquireResult toResult(Response reply, List<Limit> limits) {
        int n = limits.size();
        if (reply == null || reply.size() != 1 + 2 * n) {
            throw new StoreUnavailableException("unexpected reply from the rate-limit script: " + reply);
        }
        long[] counts = new long[n];
        long[] resets = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = reply.get(1 + 2 * i).toLong();
            long ttl = reply.get(2 + 2 * i).toLong();
            resets[i] = ttl < 0 ? limits.get(i).windowMillis() : ttl;
        }
        return new AcquireResult(reply.get(0).toInteger() == 1, counts, resets);
    }

    private static Request withArguments(Request request, String scope, String client, List<Limit> limits) {
        request.arg(limits.size());
        for (Limit limit : limits) {
            request.arg(key(scope, client, limit.name()));
        }
        for (Limit limit : limits) {
            request.arg(limit.requests()).arg(limit.windowMillis());
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
